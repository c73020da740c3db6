-- The rules 0004 added NOT VALID, checked against the rows already there. VALIDATE CONSTRAINT
-- reads each table under a SHARE UPDATE EXCLUSIVE lock: reads and writes go on meanwhile. The
-- new columns hold their defaults in every existing row, which satisfy every rule.
ALTER TABLE users VALIDATE CONSTRAINT users_image_length;
ALTER TABLE users VALIDATE CONSTRAINT users_preferences_keys;
ALTER TABLE users VALIDATE CONSTRAINT users_preferences_theme;
ALTER TABLE users VALIDATE CONSTRAINT users_preferences_language;
ALTER TABLE users VALIDATE CONSTRAINT users_preferences_default_model;
ALTER TABLE users VALIDATE CONSTRAINT users_preferences_notifications;

ALTER TABLE sessions VALIDATE CONSTRAINT sessions_title_length;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_model_format;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_system_prompt_length;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_settings_keys;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_settings_temperature;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_settings_max_tokens;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_settings_top_p;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_settings_frequency_penalty;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_settings_presence_penalty;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_tags_count;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_tags_length;
ALTER TABLE sessions VALIDATE CONSTRAINT sessions_message_count_nonnegative;

ALTER TABLE messages VALIDATE CONSTRAINT messages_parent_message_id_fkey;
ALTER TABLE messages VALIDATE CONSTRAINT messages_status_check;
ALTER TABLE messages VALIDATE CONSTRAINT messages_thread_level_range;
ALTER TABLE messages VALIDATE CONSTRAINT messages_parts_count;
ALTER TABLE messages VALIDATE CONSTRAINT messages_parts_valid;
ALTER TABLE messages VALIDATE CONSTRAINT messages_edit_history_valid;
ALTER TABLE messages VALIDATE CONSTRAINT messages_metadata_keys;
ALTER TABLE messages VALIDATE CONSTRAINT messages_metadata_model;
ALTER TABLE messages VALIDATE CONSTRAINT messages_metadata_tokens;
ALTER TABLE messages VALIDATE CONSTRAINT messages_metadata_processing_time;
ALTER TABLE messages VALIDATE CONSTRAINT messages_metadata_temperature;
ALTER TABLE messages VALIDATE CONSTRAINT messages_metadata_error;
