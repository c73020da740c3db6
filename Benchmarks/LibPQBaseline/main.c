/*
 * The benchmark floor: docs/BENCHMARK_WORKLOADS.md in plain C over libpq, binary format,
 * prepared statements, the same data (SplitMix64, seed 42) and the same decoding work as the
 * Swift side. Prints one JSON line per result.
 *   bench-libpq <conninfo> W1|W2|W3|W4|W5|W6|R1 (R1 is in realtime.c)
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

static const char *IMPL = "libpq-c";

/* ---- helpers ---------------------------------------------------------------------------- */

typedef struct { uint64_t state; } splitmix64;
static uint64_t sm_next(splitmix64 *g) {
    uint64_t z = (g->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static float sm_signed_unit(splitmix64 *g) { return (float)(sm_next(g) >> 40) / (float)(1 << 24) * 2.0f - 1.0f; }

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(PGconn *conn, const char *what) {
    fprintf(stderr, "%s: %s\n", what, conn ? PQerrorMessage(conn) : "");
    exit(1);
}

static void check(PGconn *conn, PGresult *res, ExecStatusType expected, const char *what) {
    if (PQresultStatus(res) != expected) {
        fprintf(stderr, "%s: %s\n", what, PQresultErrorMessage(res));
        exit(1);
    }
    (void)conn;
}

static void exec_ok(PGconn *conn, const char *sql) {
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) die(conn, sql);
    PQclear(res);
}

static uint16_t be16(const char *p) { uint16_t v; memcpy(&v, p, 2); return ntohs(v); }
static uint32_t be32(const char *p) { uint32_t v; memcpy(&v, p, 4); return ntohl(v); }
static uint64_t be64(const char *p) { uint64_t hi = be32(p), lo = be32(p + 4); return (hi << 32) | lo; }
static void put16(char *p, uint16_t v) { v = htons(v); memcpy(p, &v, 2); }
static void put32(char *p, uint32_t v) { v = htonl(v); memcpy(p, &v, 4); }
static void put64(char *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *values, int count) {
    qsort(values, count, sizeof(double), compare_doubles);
    return values[count / 2];
}

/* Binary COPY FROM STDIN: header, then rows appended to a 64 KB buffer flushed as it fills. */
typedef struct { PGconn *conn; char *buffer; size_t used; } copy_stream;
static const size_t COPY_CHUNK = 1 << 16;

static copy_stream copy_begin(PGconn *conn, const char *sql) {
    PGresult *res = PQexec(conn, sql);
    check(conn, res, PGRES_COPY_IN, "COPY"); PQclear(res);
    copy_stream stream = {conn, malloc(COPY_CHUNK + 4096), 19};
    memcpy(stream.buffer, "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    return stream;
}

/* Where the next row goes; call copy_row_done with the end of what was written. */
static char *copy_cursor(copy_stream *stream) { return stream->buffer + stream->used; }

static void copy_row_done(copy_stream *stream, char *end) {
    stream->used = (size_t)(end - stream->buffer);
    if (stream->used >= COPY_CHUNK) {
        if (PQputCopyData(stream->conn, stream->buffer, (int)stream->used) != 1) die(stream->conn, "copy data");
        stream->used = 0;
    }
}

static void copy_end(copy_stream *stream) {
    put16(stream->buffer + stream->used, 0xFFFF);
    stream->used += 2;
    if (PQputCopyData(stream->conn, stream->buffer, (int)stream->used) != 1 || PQputCopyEnd(stream->conn, NULL) != 1) die(stream->conn, "copy end");
    PGresult *res = PQgetResult(stream->conn);
    check(stream->conn, res, PGRES_COMMAND_OK, "COPY result"); PQclear(res);
    while ((res = PQgetResult(stream->conn)) != NULL) PQclear(res);
    free(stream->buffer);
}

/* Microseconds since 2000-01-01 for 2025-01-01T00:00:00Z. */
static const int64_t BASE_MICROS = (int64_t)(1735689600 - 946684800) * 1000000;

typedef struct { int64_t id; char email[64]; char name[64]; int64_t created_at; } user_row;
typedef struct { unsigned char id[16]; unsigned char session_id[16]; char role[16]; char content[256]; int64_t created_at; } message_row;

static void decode_user(PGresult *res, int row, user_row *out) {
    out->id = (int64_t)be64(PQgetvalue(res, row, 0));
    int len = PQgetlength(res, row, 1);
    memcpy(out->email, PQgetvalue(res, row, 1), len < 63 ? len : 63); out->email[len < 63 ? len : 63] = 0;
    len = PQgetlength(res, row, 2);
    memcpy(out->name, PQgetvalue(res, row, 2), len < 63 ? len : 63); out->name[len < 63 ? len : 63] = 0;
    out->created_at = (int64_t)be64(PQgetvalue(res, row, 3));
}

static const char *W1_SQL = "SELECT id, email, name, created_at FROM bench_users WHERE id = $1";

/* One W1/W2 statement: the prepared point select for a random id, decoded into `row`. */
static void point_select(PGconn *conn, splitmix64 *g, user_row *row) {
    char param[8];
    put64(param, sm_next(g) % 10000 + 1);
    const char *values[1] = {param};
    int lengths[1] = {8}, formats[1] = {1};
    PGresult *res = PQexecPrepared(conn, "w1", 1, values, lengths, formats, 1);
    check(conn, res, PGRES_TUPLES_OK, "point select");
    decode_user(res, 0, row);
    PQclear(res);
}

/* The same, waiting for the reply as PGKit does by default (PGConfig.replySpinLimit): peek at
 * the socket without sleeping for up to 200 us, then block in libpq. Shows how much of a
 * difference is the wait rather than the work. */
static void point_select_spinning(PGconn *conn, splitmix64 *g, user_row *row) {
    char param[8];
    put64(param, sm_next(g) % 10000 + 1);
    const char *values[1] = {param};
    int lengths[1] = {8}, formats[1] = {1};
    if (!PQsendQueryPrepared(conn, "w1", 1, values, lengths, formats, 1)) die(conn, "send");
    double deadline = now_seconds() + 200e-6;
    char byte;
    do {
        if (recv(PQsocket(conn), &byte, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) break;
    } while (now_seconds() < deadline);
    PGresult *res = PQgetResult(conn);
    check(conn, res, PGRES_TUPLES_OK, "point select");
    decode_user(res, 0, row);
    PQclear(res);
    while ((res = PQgetResult(conn)) != NULL) PQclear(res);
}

/* ---- What the client process spent: CPU time and context switches --------------------- */

typedef struct { double cpu_seconds; double user_seconds; long voluntary; long involuntary; } usage;

/* getrusage sums every thread's CPU time and context switches (/proc/self/status counts only
   the main thread's switches). */
static usage process_usage(void) {
    usage u;
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    u.cpu_seconds = r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
    u.user_seconds = r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6;
    u.voluntary = r.ru_nvcsw;
    u.involuntary = r.ru_nivcsw;
    return u;
}

/* `"cpu_us_per_stmt": ..., "user_us_per_stmt": ..., "vcsw_per_stmt": ..., "ivcsw_per_stmt": ...` for
   `count` statements (user_us is the part of cpu_us spent outside the kernel). */
static void print_usage(usage before, int count) {
    usage after = process_usage();
    printf(", \"cpu_us_per_stmt\": %.2f, \"user_us_per_stmt\": %.2f, \"vcsw_per_stmt\": %.3f, \"ivcsw_per_stmt\": %.3f",
           (after.cpu_seconds - before.cpu_seconds) * 1e6 / count, (after.user_seconds - before.user_seconds) * 1e6 / count,
           (double)(after.voluntary - before.voluntary) / count,
           (double)(after.involuntary - before.involuntary) / count);
}

/* ---- W1: point select, one connection --------------------------------------------------- */

static void w1(const char *conninfo) {
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) die(conn, "connect");
    Oid types[1] = {20};
    PGresult *prep = PQprepare(conn, "w1", W1_SQL, 1, types);
    check(conn, prep, PGRES_COMMAND_OK, "prepare"); PQclear(prep);
    splitmix64 g = {42};
    const int n = 20000;
    double *latencies = malloc(sizeof(double) * n);
    user_row row;
    int64_t checksum = 0;
    usage before = process_usage();
    double start = now_seconds();
    for (int i = 0; i < n; i++) {
        double t0 = now_seconds();
        point_select(conn, &g, &row);
        checksum += row.id;
        latencies[i] = (now_seconds() - t0) * 1e6;
    }
    double elapsed = now_seconds() - start;
    double p50 = median(latencies, n);
    double p99 = latencies[(int)(n * 0.99)];
    printf("{\"impl\": \"%s\", \"workload\": \"W1\", \"qps\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f", IMPL, n / elapsed, p50, p99);
    print_usage(before, n);

    /* Again, spinning for each reply as PGKit does (not part of the workload's figures). */
    g = (splitmix64){42};
    before = process_usage();
    start = now_seconds();
    for (int i = 0; i < n; i++) {
        double t0 = now_seconds();
        point_select_spinning(conn, &g, &row);
        checksum += row.id;
        latencies[i] = (now_seconds() - t0) * 1e6;
    }
    elapsed = now_seconds() - start;
    usage after = process_usage();
    median(latencies, n);  /* sorts */
    printf(", \"spin_qps\": %.1f, \"spin_p99_us\": %.1f, \"spin_cpu_us_per_stmt\": %.2f}\n", n / elapsed,
           latencies[(int)(n * 0.99)], (after.cpu_seconds - before.cpu_seconds) * 1e6 / n);
    if (checksum == 0) fprintf(stderr, "impossible\n");
    free(latencies);
    PQfinish(conn);
}

/* ---- W2: 8 workers over a pool of 4 connections ---------------------------------------- */

typedef struct {
    PGconn *connections[4];
    int available[4];
    int available_count;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} pool;

static pool the_pool;

static PGconn *pool_acquire(void) {
    pthread_mutex_lock(&the_pool.lock);
    while (the_pool.available_count == 0) pthread_cond_wait(&the_pool.changed, &the_pool.lock);
    PGconn *conn = the_pool.connections[the_pool.available[--the_pool.available_count]];
    pthread_mutex_unlock(&the_pool.lock);
    return conn;
}

static void pool_release(PGconn *conn) {
    pthread_mutex_lock(&the_pool.lock);
    for (int i = 0; i < 4; i++) if (the_pool.connections[i] == conn) the_pool.available[the_pool.available_count++] = i;
    pthread_cond_signal(&the_pool.changed);
    pthread_mutex_unlock(&the_pool.lock);
}

static void *w2_worker(void *arg) {
    int worker = (int)(intptr_t)arg;
    splitmix64 g = {42 + (uint64_t)worker + 1};
    user_row row;
    for (int i = 0; i < 5000; i++) {
        PGconn *conn = pool_acquire();
        point_select(conn, &g, &row);
        pool_release(conn);
    }
    return NULL;
}

static void w2(const char *conninfo) {
    pthread_mutex_init(&the_pool.lock, NULL);
    pthread_cond_init(&the_pool.changed, NULL);
    Oid types[1] = {20};
    for (int i = 0; i < 4; i++) {
        the_pool.connections[i] = PQconnectdb(conninfo);
        if (PQstatus(the_pool.connections[i]) != CONNECTION_OK) die(the_pool.connections[i], "connect");
        PGresult *prep = PQprepare(the_pool.connections[i], "w1", W1_SQL, 1, types);
        check(the_pool.connections[i], prep, PGRES_COMMAND_OK, "prepare"); PQclear(prep);
        the_pool.available[i] = i;
    }
    the_pool.available_count = 4;
    pthread_t threads[8];
    usage before = process_usage();
    double start = now_seconds();
    for (int i = 0; i < 8; i++) pthread_create(&threads[i], NULL, w2_worker, (void *)(intptr_t)i);
    for (int i = 0; i < 8; i++) pthread_join(threads[i], NULL);
    double elapsed = now_seconds() - start;
    printf("{\"impl\": \"%s\", \"workload\": \"W2\", \"qps\": %.1f", IMPL, 40000 / elapsed);
    print_usage(before, 40000);
    printf("}\n");
    for (int i = 0; i < 4; i++) PQfinish(the_pool.connections[i]);
}

/* ---- W6: 80,000 point selects, two ways over 4 connections ------------------------------ */

typedef struct { PGconn *conn; int count; uint64_t seed; double *latencies; } w6_share;

/* One thread, one connection, one statement at a time. */
static void *w6_one_at_a_time(void *arg) {
    w6_share *share = arg;
    splitmix64 g = {share->seed};
    user_row row;
    for (int i = 0; i < share->count; i++) point_select(share->conn, &g, &row);
    return NULL;
}

/* One thread, one connection, batches of 16 statements in pipeline mode, each its own sync. */
static void *w6_pipelined(void *arg) {
    w6_share *share = arg;
    splitmix64 g = {share->seed};
    user_row row;
    PGconn *conn = share->conn;
    if (PQenterPipelineMode(conn) != 1) die(conn, "pipeline mode");
    for (int done = 0; done < share->count; done += 16) {
        int batch = share->count - done < 16 ? share->count - done : 16;
        char params[16][8];
        for (int i = 0; i < batch; i++) {
            put64(params[i], sm_next(&g) % 10000 + 1);
            const char *values[1] = {params[i]};
            int lengths[1] = {8}, formats[1] = {1};
            if (PQsendQueryPrepared(conn, "w1", 1, values, lengths, formats, 1) != 1) die(conn, "send");
            if (PQpipelineSync(conn) != 1) die(conn, "sync");
        }
        if (PQflush(conn) != 0) die(conn, "flush");
        for (int i = 0; i < batch; i++) {
            PGresult *res = PQgetResult(conn);
            check(conn, res, PGRES_TUPLES_OK, "pipelined select");
            decode_user(res, 0, &row);
            PQclear(res);
            if ((res = PQgetResult(conn)) != NULL) { fprintf(stderr, "expected the statement's end\n"); exit(1); }
            res = PQgetResult(conn);
            if (PQresultStatus(res) != PGRES_PIPELINE_SYNC) die(conn, "sync result");
            PQclear(res);
        }
    }
    PQexitPipelineMode(conn);
    return NULL;
}

static double w6_run(const char *conninfo, void *(*work)(void *)) {
    Oid types[1] = {20};
    w6_share shares[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        shares[i].conn = PQconnectdb(conninfo);
        if (PQstatus(shares[i].conn) != CONNECTION_OK) die(shares[i].conn, "connect");
        PGresult *prep = PQprepare(shares[i].conn, "w1", W1_SQL, 1, types);
        check(shares[i].conn, prep, PGRES_COMMAND_OK, "prepare"); PQclear(prep);
        shares[i].count = 20000;
        shares[i].seed = 42 + (uint64_t)i + 1;
    }
    double start = now_seconds();
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, work, &shares[i]);
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    double elapsed = now_seconds() - start;
    for (int i = 0; i < 4; i++) PQfinish(shares[i].conn);
    return 80000 / elapsed;
}

static void w6(const char *conninfo) {
    double qps = w6_run(conninfo, w6_one_at_a_time);
    double pipeline_qps = w6_run(conninfo, w6_pipelined);
    printf("{\"impl\": \"%s\", \"workload\": \"W6\", \"qps\": %.1f, \"pipeline_qps\": %.1f}\n", IMPL, qps, pipeline_qps);
}

/* ---- W3: large read ------------------------------------------------------------------- */

static void w3(const char *conninfo) {
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) die(conn, "connect");
    double rates[5], decode_ns[5];
    message_row *rows = malloc(sizeof(message_row) * 100000);
    for (int round = 0; round < 5; round++) {
        double start = now_seconds();
        PGresult *res = PQexecParams(conn, "SELECT id, session_id, role, content, created_at FROM bench_messages", 0, NULL, NULL, NULL, NULL, 1);
        check(conn, res, PGRES_TUPLES_OK, "W3 query");
        int n = PQntuples(res);
        double decode_start = now_seconds();
        for (int i = 0; i < n; i++) {
            message_row *r = &rows[i];
            memcpy(r->id, PQgetvalue(res, i, 0), 16);
            memcpy(r->session_id, PQgetvalue(res, i, 1), 16);
            int len = PQgetlength(res, i, 2);
            memcpy(r->role, PQgetvalue(res, i, 2), len < 15 ? len : 15); r->role[len < 15 ? len : 15] = 0;
            len = PQgetlength(res, i, 3);
            memcpy(r->content, PQgetvalue(res, i, 3), len < 255 ? len : 255); r->content[len < 255 ? len : 255] = 0;
            r->created_at = (int64_t)be64(PQgetvalue(res, i, 4));
        }
        decode_ns[round] = (now_seconds() - decode_start) * 1e9 / n;
        PQclear(res);
        rates[round] = n / (now_seconds() - start);
    }
    printf("{\"impl\": \"%s\", \"workload\": \"W3\", \"rows_per_s\": %.1f, \"decode_ns_per_row\": %.1f}\n",
           IMPL, median(rates, 5), median(decode_ns, 5));
    free(rows);
    PQfinish(conn);
}

/* ---- W4: bulk insert ------------------------------------------------------------------- */

/* The W3/W4 row generator: shared with the Swift side (Benchmarks/PGKitBench/BenchData.swift). */
static void make_messages(message_row *rows, int count) {
    splitmix64 g = {42};
    unsigned char sessions[1000][16];
    for (int s = 0; s < 1000; s++) { uint64_t a = sm_next(&g), b = sm_next(&g); memcpy(sessions[s], &a, 8); memcpy(sessions[s] + 8, &b, 8); }
    static const char *roles[3] = {"user", "assistant", "system"};
    for (int i = 0; i < count; i++) {
        uint64_t a = sm_next(&g), b = sm_next(&g);
        memcpy(rows[i].id, &a, 8); memcpy(rows[i].id + 8, &b, 8);
        memcpy(rows[i].session_id, sessions[sm_next(&g) % 1000], 16);
        strcpy(rows[i].role, roles[i % 3]);
        for (int c = 0; c < 200; c += 8) {
            uint64_t bits = sm_next(&g);
            for (int k = 0; k < 8; k++) rows[i].content[c + k] = 'a' + (char)(((bits >> (k * 8)) & 0xff) % 26);
        }
        rows[i].content[200] = 0;
        rows[i].created_at = BASE_MICROS + (int64_t)i * 1000000;
    }
}

static const char *W4_INSERT = "INSERT INTO bench_messages_load (id, session_id, role, content, created_at) VALUES ($1, $2, $3, $4, $5)";

static void bind_message(const message_row *r, char *ts, const char **values, int *lengths) {
    put64(ts, (uint64_t)r->created_at);
    values[0] = (const char *)r->id; lengths[0] = 16;
    values[1] = (const char *)r->session_id; lengths[1] = 16;
    values[2] = r->role; lengths[2] = (int)strlen(r->role);
    values[3] = r->content; lengths[3] = 200;
    values[4] = ts; lengths[4] = 8;
}

/* Reads W4c's replies until every sync point is answered (wait) or, without waiting, until
 * nothing more has arrived. */
static void read_w4c_replies(PGconn *conn, int *pending_syncs, int wait) {
    int ends = 0;
    while (*pending_syncs > 0 && (wait || !PQisBusy(conn))) {
        PGresult *r = PQgetResult(conn);
        if (r == NULL) { if (!wait && ++ends > 1) break; continue; }
        ends = 0;
        ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_PIPELINE_SYNC) (*pending_syncs)--;
        else if (status != PGRES_COMMAND_OK) die(conn, "W4c insert");
        PQclear(r);
    }
}

static void w4(const char *conninfo) {
    const int n = 50000;
    message_row *rows = malloc(sizeof(message_row) * n);
    make_messages(rows, n);
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) die(conn, "connect");
    Oid types[5] = {2950, 2950, 25, 25, 1184};
    int formats[5] = {1, 1, 1, 1, 1};
    PGresult *prep = PQprepare(conn, "w4", W4_INSERT, 5, types);
    check(conn, prep, PGRES_COMMAND_OK, "prepare"); PQclear(prep);

    /* W4a: one INSERT per row in one transaction */
    exec_ok(conn, "TRUNCATE bench_messages_load");
    double start = now_seconds();
    usage before = process_usage();
    exec_ok(conn, "BEGIN");
    for (int i = 0; i < n; i++) {
        const char *values[5]; int lengths[5]; char ts[8];
        bind_message(&rows[i], ts, values, lengths);
        PGresult *res = PQexecPrepared(conn, "w4", 5, values, lengths, formats, 1);
        check(conn, res, PGRES_COMMAND_OK, "W4a insert"); PQclear(res);
    }
    exec_ok(conn, "COMMIT");
    printf("{\"impl\": \"%s\", \"workload\": \"W4a\", \"rows_per_s\": %.1f", IMPL, n / (now_seconds() - start));
    print_usage(before, n);
    printf("}\n");

    /* W4b: COPY FROM STDIN (FORMAT binary) */
    exec_ok(conn, "TRUNCATE bench_messages_load");
    start = now_seconds();
    copy_stream stream = copy_begin(conn, "COPY bench_messages_load (id, session_id, role, content, created_at) FROM STDIN (FORMAT binary)");
    for (int i = 0; i < n; i++) {
        const message_row *r = &rows[i];
        int role_len = (int)strlen(r->role);
        char *p = copy_cursor(&stream);
        put16(p, 5); p += 2;
        put32(p, 16); p += 4; memcpy(p, r->id, 16); p += 16;
        put32(p, 16); p += 4; memcpy(p, r->session_id, 16); p += 16;
        put32(p, (uint32_t)role_len); p += 4; memcpy(p, r->role, role_len); p += role_len;
        put32(p, 200); p += 4; memcpy(p, r->content, 200); p += 200;
        put32(p, 8); p += 4; put64(p, (uint64_t)r->created_at); p += 8;
        copy_row_done(&stream, p);
    }
    copy_end(&stream);
    printf("{\"impl\": \"%s\", \"workload\": \"W4b\", \"rows_per_s\": %.1f}\n", IMPL, n / (now_seconds() - start));

    /* W4c: one INSERT per row in pipeline mode, one transaction, synced every 1,000 rows.
     * Non-blocking, as PGKit's executeMany: the replies of earlier syncs are read while later
     * rows are still being sent, so the server never waits for the next chunk. */
    exec_ok(conn, "TRUNCATE bench_messages_load");
    start = now_seconds();
    exec_ok(conn, "BEGIN");
    if (PQenterPipelineMode(conn) != 1) die(conn, "pipeline");
    PQsetnonblocking(conn, 1);
    int pending_syncs = 0;
    for (int i = 0; i < n; i++) {
        const char *values[5]; int lengths[5]; char ts[8];
        bind_message(&rows[i], ts, values, lengths);
        if (PQsendQueryPrepared(conn, "w4", 5, values, lengths, formats, 1) != 1) die(conn, "send");
        if ((i + 1) % 1000 == 0) {
            if (PQpipelineSync(conn) != 1) die(conn, "sync");
            pending_syncs++;
        }
        if ((i + 1) % 16 == 0) {
            while (PQflush(conn) == 1) {
                if (PQconsumeInput(conn) != 1) die(conn, "consume");
            }
        }
        if ((i + 1) % 1000 == 0) {
            if (PQconsumeInput(conn) != 1) die(conn, "consume");
            read_w4c_replies(conn, &pending_syncs, 0);
        }
    }
    if (n % 1000 != 0) {
        if (PQpipelineSync(conn) != 1) die(conn, "sync");
        pending_syncs++;
    }
    while (PQflush(conn) == 1) {
        if (PQconsumeInput(conn) != 1) die(conn, "consume");
    }
    PQsetnonblocking(conn, 0);
    read_w4c_replies(conn, &pending_syncs, 1);
    PQexitPipelineMode(conn);
    exec_ok(conn, "COMMIT");
    printf("{\"impl\": \"%s\", \"workload\": \"W4c\", \"rows_per_s\": %.1f}\n", IMPL, n / (now_seconds() - start));
    free(rows);
    PQfinish(conn);
}

/* ---- W5: vectors ----------------------------------------------------------------------- */

static void w5(const char *conninfo) {
    const int n = 10000, dims = 384;
    splitmix64 g = {42};
    float *embeddings = malloc(sizeof(float) * n * dims);
    for (int i = 0; i < n * dims; i++) embeddings[i] = sm_signed_unit(&g);
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) die(conn, "connect");
    exec_ok(conn, "TRUNCATE bench_memories");
    PGresult *res = PQexec(conn, "SELECT oid FROM pg_type WHERE typname = 'vector'");
    check(conn, res, PGRES_TUPLES_OK, "vector oid");
    Oid vector_oid = (Oid)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);

    double start = now_seconds();
    copy_stream stream = copy_begin(conn, "COPY bench_memories (id, user_id, content, embedding) FROM STDIN (FORMAT binary)");
    for (int i = 0; i < n; i++) {
        int64_t id = i + 1;
        char content[32];
        int content_len = snprintf(content, sizeof content, "memory %lld", (long long)id);
        char *p = copy_cursor(&stream);
        put16(p, 4); p += 2;
        put32(p, 8); p += 4; put64(p, (uint64_t)id); p += 8;
        put32(p, 8); p += 4; put64(p, (uint64_t)(id % 100)); p += 8;
        put32(p, (uint32_t)content_len); p += 4; memcpy(p, content, content_len); p += content_len;
        put32(p, 4 + 4 * dims); p += 4; put16(p, dims); p += 2; put16(p, 0); p += 2;
        for (int d = 0; d < dims; d++) { uint32_t bits; memcpy(&bits, &embeddings[i * dims + d], 4); put32(p, bits); p += 4; }
        copy_row_done(&stream, p);
    }
    copy_end(&stream);
    double insert_rate = n / (now_seconds() - start);

    /* The searches run against bench_memories_knn, the same rows indexed once by the bench's
       setup, so that every side and run searches the same HNSW graph. */
    Oid types[1] = {vector_oid};
    PGresult *prep = PQprepare(conn, "w5", "SELECT id, content, embedding <=> $1 AS distance FROM bench_memories_knn ORDER BY embedding <=> $1 LIMIT 10", 1, types);
    check(conn, prep, PGRES_COMMAND_OK, "prepare"); PQclear(prep);
    char param[4 + 4 * 384];
    double checksum = 0;
    start = now_seconds();
    for (int q = 0; q < 500; q++) {
        put16(param, dims); put16(param + 2, 0);
        for (int d = 0; d < dims; d++) { float f = sm_signed_unit(&g); uint32_t bits; memcpy(&bits, &f, 4); put32(param + 4 + 4 * d, bits); }
        const char *values[1] = {param};
        int lengths[1] = {(int)sizeof param}, formats[1] = {1};
        res = PQexecPrepared(conn, "w5", 1, values, lengths, formats, 1);
        check(conn, res, PGRES_TUPLES_OK, "W5 query");
        for (int i = 0; i < PQntuples(res); i++) {
            int64_t id = (int64_t)be64(PQgetvalue(res, i, 0));
            char content[64];
            int len = PQgetlength(res, i, 1);
            memcpy(content, PQgetvalue(res, i, 1), len < 63 ? len : 63); content[len < 63 ? len : 63] = 0;
            uint64_t bits = be64(PQgetvalue(res, i, 2));
            double distance; memcpy(&distance, &bits, 8);
            checksum += distance + (double)id;
        }
        PQclear(res);
    }
    double qps = 500 / (now_seconds() - start);
    printf("{\"impl\": \"%s\", \"workload\": \"W5\", \"insert_rows_per_s\": %.1f, \"qps\": %.1f}\n", IMPL, insert_rate, qps);
    if (checksum == 0) fprintf(stderr, "impossible\n");
    free(embeddings);
    PQfinish(conn);
}

void r1(const char *conninfo);  /* realtime.c */

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: bench-libpq CONNINFO W1|W2|W3|W4|W5|W6|R1\n"); return 2; }
    const char *w = argv[2];
    if (!strcmp(w, "W1")) w1(argv[1]);
    else if (!strcmp(w, "W2")) w2(argv[1]);
    else if (!strcmp(w, "W3")) w3(argv[1]);
    else if (!strcmp(w, "W4")) w4(argv[1]);
    else if (!strcmp(w, "W5")) w5(argv[1]);
    else if (!strcmp(w, "W6")) w6(argv[1]);
    else if (!strcmp(w, "R1")) r1(argv[1]);
    else { fprintf(stderr, "unknown workload %s\n", w); return 2; }
    fflush(stdout);
    return 0;
}
