-- Checked queries over the chat schema, compiled into this test target: CheckedQueryRoundTripTests
-- runs them against a real server, and GeneratedQueriesAreCurrentTests regenerates
-- Generated/ from them (drift fails the test).

-- name: createUser :one
INSERT INTO users (email, name) VALUES (@email, @name?)
RETURNING id, email, name, created_at;

-- name: sessionsOfUser :many
SELECT u.email, s.id AS session_id, s.title, s.tags
FROM users u LEFT JOIN sessions s ON s.user_id = u.id
WHERE u.id = @userId
ORDER BY s.created_at;

-- name: renameUser :exec
UPDATE users SET name = @name? WHERE id = @id;

-- name: nameOfUser :one
SELECT name AS "name!" FROM users WHERE id = $1;

-- name: nearestMemories :many
SELECT id, content, embedding, embedding <=> @probe AS distance
FROM memories
WHERE user_id = @userId
ORDER BY distance
LIMIT @limit;

-- name: emailsInOrder :stream
SELECT email FROM users WHERE email LIKE @pattern ORDER BY email;
