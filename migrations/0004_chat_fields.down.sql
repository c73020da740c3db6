DROP TRIGGER IF EXISTS sessions_keep_counters ON sessions;
DROP TRIGGER IF EXISTS sessions_updated_at ON sessions;
CREATE TRIGGER sessions_updated_at BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
DROP TRIGGER IF EXISTS messages_follow_update ON messages;
DROP TRIGGER IF EXISTS messages_follow_delete ON messages;
DROP TRIGGER IF EXISTS messages_follow_insert ON messages;
DROP TRIGGER IF EXISTS messages_prepare ON messages;
DROP TRIGGER IF EXISTS users_check_name ON users;
ALTER TABLE messages
    DROP COLUMN IF EXISTS edited_at,
    DROP COLUMN IF EXISTS edit_history,
    DROP COLUMN IF EXISTS thread_level,
    DROP COLUMN IF EXISTS parent_message_id,
    DROP COLUMN IF EXISTS status,
    DROP COLUMN IF EXISTS metadata,
    DROP COLUMN IF EXISTS parts;
ALTER TABLE sessions
    DROP COLUMN IF EXISTS message_count,
    DROP COLUMN IF EXISTS last_message_at,
    DROP COLUMN IF EXISTS tags,
    DROP COLUMN IF EXISTS is_archived,
    DROP COLUMN IF EXISTS settings,
    DROP COLUMN IF EXISTS system_prompt,
    DROP COLUMN IF EXISTS model,
    DROP COLUMN IF EXISTS title;
ALTER TABLE users
    DROP COLUMN IF EXISTS last_active_at,
    DROP COLUMN IF EXISTS is_active,
    DROP COLUMN IF EXISTS preferences,
    DROP COLUMN IF EXISTS image;
DROP FUNCTION IF EXISTS pgkit_sessions_keep_counters();
DROP FUNCTION IF EXISTS pgkit_sessions_follow_messages();
DROP FUNCTION IF EXISTS pgkit_messages_prepare();
DROP FUNCTION IF EXISTS pgkit_users_check_name();
DROP FUNCTION IF EXISTS pgkit_valid_tags(text[]);
DROP FUNCTION IF EXISTS pgkit_valid_edit_history(jsonb);
DROP FUNCTION IF EXISTS pgkit_message_parts_text(jsonb);
DROP FUNCTION IF EXISTS pgkit_valid_message_parts(jsonb);
DROP FUNCTION IF EXISTS pgkit_valid_message_part(jsonb);
DROP FUNCTION IF EXISTS pgkit_valid_user_name(text);
DROP FUNCTION IF EXISTS pgkit_valid_model_id(text);
DROP FUNCTION IF EXISTS pgkit_json_object_of(jsonb, text[], text[]);
DROP FUNCTION IF EXISTS pgkit_json_number_within(jsonb, text, numeric, numeric, boolean);
DROP FUNCTION IF EXISTS pgkit_json_string_within(jsonb, text, int, int);
