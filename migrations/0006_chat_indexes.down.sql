-- dbctl:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_content_search_v1 ON messages USING gin (to_tsvector('english', content));
DROP INDEX CONCURRENTLY IF EXISTS messages_content_search;
ALTER INDEX messages_content_search_v1 RENAME TO messages_content_search;
DROP INDEX CONCURRENTLY IF EXISTS messages_parent_message_id_created_at_id;
DROP INDEX CONCURRENTLY IF EXISTS messages_session_id_role_created_at_id;
DROP INDEX CONCURRENTLY IF EXISTS sessions_user_id_activity;
