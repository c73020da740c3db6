-- In a transaction, as `dbctl down` runs every down file (it does not honour the no-transaction
-- marker), so without CONCURRENTLY: these lock the tables while they build and drop.
CREATE INDEX messages_content_search_v1 ON messages USING gin (to_tsvector('english', content));
DROP INDEX messages_content_search;
ALTER INDEX messages_content_search_v1 RENAME TO messages_content_search;
DROP INDEX IF EXISTS messages_parent_message_id_created_at_id;
DROP INDEX IF EXISTS messages_session_id_role_created_at_id;
DROP INDEX IF EXISTS sessions_user_id_activity;
