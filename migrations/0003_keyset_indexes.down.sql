-- dbctl:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS memories_user_id_created_at ON memories (user_id, created_at DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_created_at ON sessions (user_id, created_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS memories_user_id_created_at_id;
DROP INDEX CONCURRENTLY IF EXISTS sessions_user_id_created_at_id;
DROP INDEX CONCURRENTLY IF EXISTS users_created_at_id;
