-- dbctl:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS memories_user_id_created_at ON memories (user_id, created_at DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_created_at ON sessions (user_id, created_at DESC);
DROP INDEX CONCURRENTLY IF EXISTS memories_user_id_created_at_id;
DROP INDEX CONCURRENTLY IF EXISTS sessions_user_id_created_at_id;
DROP INDEX CONCURRENTLY IF EXISTS users_created_at_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS memories_embedding_cosine_v1 ON memories USING hnsw (embedding vector_cosine_ops);
DROP INDEX CONCURRENTLY IF EXISTS memories_embedding_cosine;
ALTER INDEX memories_embedding_cosine_v1 RENAME TO memories_embedding_cosine;
