-- dbctl:no-transaction
-- Keyset pages seek: every order the repositories page by has an index on (the filter's
-- column, the sort column, the primary key), built without blocking writes.
CREATE INDEX CONCURRENTLY IF NOT EXISTS memories_user_id_created_at_id ON memories (user_id, created_at, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_created_at_id ON sessions (user_id, created_at, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_created_at_id ON users (created_at, id);
DROP INDEX CONCURRENTLY IF EXISTS memories_user_id_created_at;
DROP INDEX CONCURRENTLY IF EXISTS sessions_user_id_created_at;
