/*
 * R1's baselines (docs/BENCHMARK_WORKLOADS.md): NOTIFY to receipt over plain libpq, and the
 * change stream through PostgreSQL's own pg_recvlogical with the pgoutput plugin (the options
 * PGChangeStream uses: proto_version '1', publication_names, binary), read from its standard
 * output. The same steps and counts as the Swift side (Benchmarks/PGKitBench/RealTimeWorkload.swift).
 */
#include <libpq-fe.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { R1_SAMPLES = 500, R1_TOTAL = 20000, R1_BATCH = 1000 };

static double r1_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void r1_exec(PGconn *conn, const char *sql) {
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(conn));
        exit(1);
    }
    PQclear(res);
}

static PGconn *r1_connect(const char *conninfo) {
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) { fprintf(stderr, "connect: %s\n", PQerrorMessage(conn)); exit(1); }
    return conn;
}

static int r1_compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* As the Swift side: sorted[min(n - 1, n * fraction)], rounded to microseconds. */
static double r1_percentile(double *values, int count, double fraction) {
    qsort(values, count, sizeof(double), r1_compare);
    int index = (int)(count * fraction);
    if (index > count - 1) index = count - 1;
    return (double)(long long)(values[index] * 1000 + 0.5) / 1000;
}

/* ---- NOTIFY -------------------------------------------------------------------------------- */

static void r1_notify(const char *conninfo, PGconn *conn, double *p50, double *p99) {
    PGconn *listener = r1_connect(conninfo);
    r1_exec(listener, "LISTEN bench");
    double latencies[R1_SAMPLES];
    for (int i = 0; i < R1_SAMPLES; i++) {
        char payload[16];
        snprintf(payload, sizeof payload, "%d", i);
        const char *values[2] = {"bench", payload};
        double started = r1_now();
        PGresult *res = PQexecParams(conn, "SELECT pg_notify($1, $2)", 2, NULL, values, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) { fprintf(stderr, "pg_notify: %s\n", PQerrorMessage(conn)); exit(1); }
        PQclear(res);
        int received = 0;
        while (!received) {
            if (!PQconsumeInput(listener)) { fprintf(stderr, "listener: %s\n", PQerrorMessage(listener)); exit(1); }
            PGnotify *note;
            while ((note = PQnotifies(listener)) != NULL) {
                if (!strcmp(note->extra, payload)) received = 1;
                PQfreemem(note);
            }
            if (received) break;
            struct pollfd fd = {PQsocket(listener), POLLIN, 0};
            poll(&fd, 1, 1000);
        }
        latencies[i] = (r1_now() - started) * 1000;
    }
    PQfinish(listener);
    *p50 = r1_percentile(latencies, R1_SAMPLES, 0.5);
    *p99 = r1_percentile(latencies, R1_SAMPLES, 0.99);
}

/* ---- pg_recvlogical's output: each pgoutput message as it came, then a newline ------------- */

typedef struct {
    int fd;
    unsigned char *data;
    size_t start, end, capacity;
} r1_reader;

/* What one message was: its type, and for an insert the first column as an int8 (binary). */
typedef struct { char type; int64_t first_int8; } r1_message;

static int r1_fill(r1_reader *reader, int timeout_ms) {
    if (reader->start > 0 && reader->start == reader->end) reader->start = reader->end = 0;
    if (reader->end == reader->capacity) {
        if (reader->start > 0) {
            memmove(reader->data, reader->data + reader->start, reader->end - reader->start);
            reader->end -= reader->start;
            reader->start = 0;
        } else {
            reader->capacity *= 2;
            reader->data = realloc(reader->data, reader->capacity);
        }
    }
    struct pollfd fd = {reader->fd, POLLIN, 0};
    int ready = poll(&fd, 1, timeout_ms);
    if (ready <= 0) return 0;
    ssize_t count = read(reader->fd, reader->data + reader->end, reader->capacity - reader->end);
    if (count <= 0) { fprintf(stderr, "pg_recvlogical ended\n"); exit(1); }
    reader->end += (size_t)count;
    return 1;
}

/* Parses a tuple (TupleData) at *at; 0 if the bytes are not all there yet. */
static int r1_tuple(const unsigned char *p, size_t length, size_t *at, int64_t *first) {
    if (*at + 2 > length) return 0;
    int columns = (p[*at] << 8) | p[*at + 1];
    *at += 2;
    for (int c = 0; c < columns; c++) {
        if (*at + 1 > length) return 0;
        unsigned char kind = p[(*at)++];
        if (kind == 'n' || kind == 'u') continue;
        if (*at + 4 > length) return 0;
        uint32_t size = ((uint32_t)p[*at] << 24) | ((uint32_t)p[*at + 1] << 16) | ((uint32_t)p[*at + 2] << 8) | p[*at + 3];
        *at += 4;
        if (*at + size > length) return 0;
        if (c == 0 && first && kind == 'b' && size == 8) {
            uint64_t value = 0;
            for (int i = 0; i < 8; i++) value = (value << 8) | p[*at + i];
            *first = (int64_t)value;
        }
        *at += size;
    }
    return 1;
}

static int r1_cstring(const unsigned char *p, size_t length, size_t *at) {
    const unsigned char *end = memchr(p + *at, 0, length - *at);
    if (!end) return 0;
    *at = (size_t)(end - p) + 1;
    return 1;
}

/* The length of the message at the start of p (the newline pg_recvlogical adds included), or 0
 * when it is not complete yet. */
static size_t r1_parse(const unsigned char *p, size_t length, r1_message *message) {
    if (length < 1) return 0;
    size_t at = 1;
    message->type = (char)p[0];
    message->first_int8 = INT64_MIN;
    switch (p[0]) {
    case 'B': at += 20; break;
    case 'C': at += 25; break;
    case 'O': at += 8; if (at > length || !r1_cstring(p, length, &at)) return 0; break;
    case 'Y': at += 4; if (at > length || !r1_cstring(p, length, &at) || !r1_cstring(p, length, &at)) return 0; break;
    case 'R': {
        at += 4;
        if (at > length || !r1_cstring(p, length, &at) || !r1_cstring(p, length, &at)) return 0;
        if (at + 3 > length) return 0;
        int columns = (p[at + 1] << 8) | p[at + 2];
        at += 3;
        for (int c = 0; c < columns; c++) {
            at += 1;
            if (at > length || !r1_cstring(p, length, &at)) return 0;
            at += 8;
        }
        break;
    }
    case 'I':
        at += 5;  /* relation, 'N' */
        if (at > length || !r1_tuple(p, length, &at, &message->first_int8)) return 0;
        break;
    case 'U':
        at += 4;
        if (at + 1 > length) return 0;
        if (p[at] == 'K' || p[at] == 'O') { at += 1; if (!r1_tuple(p, length, &at, NULL)) return 0; }
        at += 1;  /* 'N' */
        if (at > length || !r1_tuple(p, length, &at, &message->first_int8)) return 0;
        break;
    case 'D':
        at += 5;
        if (at > length || !r1_tuple(p, length, &at, NULL)) return 0;
        break;
    case 'T': {
        if (length < 6) return 0;
        uint32_t relations = ((uint32_t)p[1] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 8) | p[4];
        at = 6 + 4 * (size_t)relations;
        break;
    }
    default:
        fprintf(stderr, "pg_recvlogical: unexpected message %c\n", p[0]);
        exit(1);
    }
    if (at + 1 > length) return 0;
    if (p[at] != '\n') { fprintf(stderr, "pg_recvlogical: lost the message boundaries\n"); exit(1); }
    return at + 1;
}

/* The next message; 0 when none came within timeout_ms. */
static int r1_next(r1_reader *reader, r1_message *message, int timeout_ms) {
    while (1) {
        size_t used = r1_parse(reader->data + reader->start, reader->end - reader->start, message);
        if (used) { reader->start += used; return 1; }
        if (!r1_fill(reader, timeout_ms)) return 0;
    }
}

/* Waits for the commit of the transaction that inserted `id`. 0 on timeout. */
static int r1_wait_commit(r1_reader *reader, int64_t id, int timeout_ms) {
    int seen = 0;
    r1_message message;
    while (r1_next(reader, &message, timeout_ms)) {
        if (message.type == 'I' && message.first_int8 == id) seen = 1;
        if (message.type == 'C' && seen) return 1;
    }
    return 0;
}

static void r1_insert(PGconn *conn, long long id, const char *body) {
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO bench_changes VALUES (%lld, '%s')", id, body);
    r1_exec(conn, sql);
}

typedef struct { const char *conninfo; } r1_loader_args;

static void *r1_loader(void *arg) {
    PGconn *conn = r1_connect(((r1_loader_args *)arg)->conninfo);
    r1_exec(conn, "SET synchronous_commit = on");
    char line[64];
    for (int batch = 0; batch < R1_TOTAL; batch += R1_BATCH) {
        PGresult *res = PQexec(conn, "COPY bench_changes (id, body) FROM STDIN");
        if (PQresultStatus(res) != PGRES_COPY_IN) { fprintf(stderr, "COPY: %s\n", PQerrorMessage(conn)); exit(1); }
        PQclear(res);
        for (int i = batch; i < batch + R1_BATCH; i++) {
            int length = snprintf(line, sizeof line, "%d\tthroughput %d\n", R1_SAMPLES + i, i);
            if (PQputCopyData(conn, line, length) != 1) { fprintf(stderr, "COPY data: %s\n", PQerrorMessage(conn)); exit(1); }
        }
        if (PQputCopyEnd(conn, NULL) != 1) { fprintf(stderr, "COPY end: %s\n", PQerrorMessage(conn)); exit(1); }
        res = PQgetResult(conn);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) { fprintf(stderr, "COPY: %s\n", PQerrorMessage(conn)); exit(1); }
        PQclear(res);
        while ((res = PQgetResult(conn)) != NULL) PQclear(res);
    }
    PQfinish(conn);
    return NULL;
}

void r1(const char *conninfo) {
    PGconn *conn = r1_connect(conninfo);
    r1_exec(conn, "SET client_min_messages = warning");
    r1_exec(conn, "DROP TABLE IF EXISTS bench_changes");
    r1_exec(conn, "CREATE TABLE bench_changes (id int8 PRIMARY KEY, body text)");
    r1_exec(conn, "DROP PUBLICATION IF EXISTS bench_changes_pub");
    r1_exec(conn, "CREATE PUBLICATION bench_changes_pub FOR TABLE bench_changes");
    /* A walsender sends only flushed WAL: commits flushed, as on the Swift side. */
    r1_exec(conn, "SET synchronous_commit = on");

    double notify_p50, notify_p99;
    r1_notify(conninfo, conn, &notify_p50, &notify_p99);

    const char *binary = getenv("PG_RECVLOGICAL");
    char path[512];
    if (!binary) {
        const char *bin = getenv("PG_BIN");
        snprintf(path, sizeof path, "%s/pg_recvlogical", bin ? bin : "/usr/lib/postgresql/15/bin");
        binary = path;
    }
    char slot[64];
    snprintf(slot, sizeof slot, "bench_recvlogical_%d", (int)getpid());
    char *argv[] = {
        (char *)binary, "--dbname", (char *)conninfo, "--slot", slot, "--plugin", "pgoutput",
        "--create-slot", "--if-not-exists", "--start", "--no-loop", "--file", "-",
        "-o", "proto_version=1", "-o", "publication_names=bench_changes_pub", "-o", "binary=true", NULL,
    };
    int out[2];
    if (pipe(out) != 0) { perror("pipe"); exit(1); }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    pid_t child;
    if (posix_spawn(&child, binary, &actions, NULL, argv, environ) != 0) { fprintf(stderr, "cannot start %s\n", binary); exit(1); }
    close(out[1]);
    r1_reader reader = {out[0], malloc(1 << 20), 0, 0, 1 << 20};

    /* The slot exists and streams once a row inserted now arrives (creating it waits for the
     * transactions running in the cluster). */
    int64_t warmup = -1;
    double deadline = r1_now() + 120;
    while (1) {
        r1_insert(conn, warmup, "warm-up");
        if (r1_wait_commit(&reader, warmup, 1000)) break;
        if (r1_now() > deadline) { fprintf(stderr, "pg_recvlogical never streamed\n"); exit(1); }
        warmup -= 1;
    }

    double latencies[R1_SAMPLES];
    for (int i = 0; i < R1_SAMPLES; i++) {
        double started = r1_now();
        r1_insert(conn, i, "latency");
        if (!r1_wait_commit(&reader, i, 30000)) { fprintf(stderr, "no commit from pg_recvlogical\n"); exit(1); }
        latencies[i] = (r1_now() - started) * 1000;
    }

    r1_loader_args args = {conninfo};
    pthread_t loader;
    double started = r1_now();
    pthread_create(&loader, NULL, r1_loader, &args);
    int received = 0;
    r1_message message;
    while (received < R1_TOTAL) {
        if (!r1_next(&reader, &message, 30000)) { fprintf(stderr, "pg_recvlogical stalled\n"); exit(1); }
        if (message.type == 'I') received += 1;
    }
    double seconds = r1_now() - started;
    pthread_join(loader, NULL);

    kill(child, SIGTERM);
    int status;
    waitpid(child, &status, 0);
    close(out[0]);
    free(reader.data);
    char drop[256];
    snprintf(drop, sizeof drop, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '%s' AND NOT active", slot);
    for (int attempt = 0; attempt < 100; attempt++) {
        PGresult *res = PQexec(conn, drop);
        int dropped = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
        PQclear(res);
        if (dropped) break;
        usleep(100000);
    }
    PQfinish(conn);
    printf("{\"impl\": \"libpq-c\", \"workload\": \"R1\", \"change_baseline\": \"pg_recvlogical\", "
           "\"notify_p50_ms\": %.3f, \"notify_p99_ms\": %.3f, \"change_p50_ms\": %.3f, \"change_p99_ms\": %.3f, "
           "\"changes_per_s\": %.1f}\n",
           notify_p50, notify_p99, r1_percentile(latencies, R1_SAMPLES, 0.5), r1_percentile(latencies, R1_SAMPLES, 0.99),
           R1_TOTAL / seconds);
}
