-- Every type the generator maps, through parameters and back.

-- name: roundTrip :one
SELECT @int2::int2 AS "int2!", @int4::int4 AS "int4!", @int8::int8 AS "int8!",
       @float4::float4 AS "float4!", @float8::float8 AS "float8!", @flag::bool AS "flag!",
       @text::text AS "text!", @varchar::varchar AS "varchar!", @uuid::uuid AS "uuid!",
       @at::timestamptz AS "at!", @day::date AS "day!", @json::jsonb AS "json!",
       @bytes::bytea AS "bytes!", @amount::numeric AS "amount!", @texts::text[] AS "texts!",
       @numbers::int8[] AS "numbers!", @vector::vector AS "vector!", @email::citext AS "email!",
       @maybe?::text AS maybe;
