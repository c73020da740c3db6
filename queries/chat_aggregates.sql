-- PGKit's own checked queries: the chat repositories' SQL that is fixed text. `dbctl generate`
-- writes them into Sources/Repositories/Generated/ChatAggregatesQueries.swift (internal to
-- Repositories), and scripts/test's `dbctl generate --check` fails when a migration breaks one.

-- name: messageCountsByRole :many
SELECT m.role, count(*) AS "count!"
FROM messages m JOIN sessions s ON s.id = m.session_id
WHERE s.user_id = @userId
GROUP BY m.role;
