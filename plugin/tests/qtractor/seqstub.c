/*
 * A do-nothing ALSA sequencer, preloaded into Qtractor where /dev/snd/seq does not exist (a
 * container, CI). Qtractor's engine will not start without a sequencer client; this one opens,
 * creates ports and queues, and never delivers an event. Only the calls that take a sequencer
 * handle are replaced: the *_sizeof, *_malloc and info getters/setters stay libasound's own.
 *
 * Built by plugin/tests/host_qtractor.py:  cc -shared -fPIC -o seqstub.so seqstub.c
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <unistd.h>
typedef struct snd_seq snd_seq_t;
static int dummy;
static int fds[2] = {-1, -1};
int snd_seq_open(snd_seq_t **h, const char *n, int s, int m) { (void)n; (void)s; (void)m; *h = (snd_seq_t *)&dummy; if (fds[0] < 0 && pipe(fds) != 0) return -EIO; return 0; }
int snd_seq_close(snd_seq_t *h) { (void)h; return 0; }
int snd_seq_client_id(snd_seq_t *h) { (void)h; return 128; }
int snd_seq_set_client_name(snd_seq_t *h, const char *n) { (void)h; (void)n; return 0; }
static int next_port;
int snd_seq_create_simple_port(snd_seq_t *h, const char *n, unsigned c, unsigned t) { (void)h; (void)n; (void)c; (void)t; return next_port++; }
int snd_seq_delete_simple_port(snd_seq_t *h, int p) { (void)h; (void)p; return 0; }
int snd_seq_alloc_queue(snd_seq_t *h) { (void)h; return 0; }
int snd_seq_free_queue(snd_seq_t *h, int q) { (void)h; (void)q; return 0; }
int snd_seq_control_queue(snd_seq_t *h, int q, int t, int v, void *e) { (void)h; (void)q; (void)t; (void)v; (void)e; return 0; }
int snd_seq_drain_output(snd_seq_t *h) { (void)h; return 0; }
int snd_seq_drop_input(snd_seq_t *h) { (void)h; return 0; }
int snd_seq_drop_output(snd_seq_t *h) { (void)h; return 0; }
int snd_seq_event_input(snd_seq_t *h, void **ev) { (void)h; if (ev) *ev = NULL; return -EAGAIN; }
int snd_seq_event_input_pending(snd_seq_t *h, int f) { (void)h; (void)f; return 0; }
int snd_seq_event_output(snd_seq_t *h, void *ev) { (void)h; (void)ev; return 0; }
int snd_seq_event_output_direct(snd_seq_t *h, void *ev) { (void)h; (void)ev; return 0; }
int snd_seq_poll_descriptors_count(snd_seq_t *h, short e) { (void)h; (void)e; return 1; }
int snd_seq_poll_descriptors(snd_seq_t *h, struct pollfd *p, unsigned n, short e) { (void)h; if (n < 1) return 0; p[0].fd = fds[0]; p[0].events = e; p[0].revents = 0; return 1; }
int snd_seq_get_any_client_info(snd_seq_t *h, int c, void *i) { (void)h; (void)c; (void)i; return -ENOENT; }
int snd_seq_get_any_port_info(snd_seq_t *h, int c, int p, void *i) { (void)h; (void)c; (void)p; (void)i; return -ENOENT; }
int snd_seq_get_port_info(snd_seq_t *h, int p, void *i) { (void)h; (void)p; (void)i; return 0; }
int snd_seq_set_port_info(snd_seq_t *h, int p, void *i) { (void)h; (void)p; (void)i; return 0; }
int snd_seq_get_queue_status(snd_seq_t *h, int q, void *s) { (void)h; (void)q; (void)s; return 0; }
int snd_seq_get_queue_tempo(snd_seq_t *h, int q, void *t) { (void)h; (void)q; (void)t; return 0; }
int snd_seq_set_queue_tempo(snd_seq_t *h, int q, void *t) { (void)h; (void)q; (void)t; return 0; }
int snd_seq_set_queue_timer(snd_seq_t *h, int q, void *t) { (void)h; (void)q; (void)t; return 0; }
int snd_seq_query_next_client(snd_seq_t *h, void *i) { (void)h; (void)i; return -ENOENT; }
int snd_seq_query_next_port(snd_seq_t *h, void *i) { (void)h; (void)i; return -ENOENT; }
int snd_seq_query_port_subscribers(snd_seq_t *h, void *s) { (void)h; (void)s; return -ENOENT; }
int snd_seq_remove_events(snd_seq_t *h, void *r) { (void)h; (void)r; return 0; }
int snd_seq_subscribe_port(snd_seq_t *h, void *s) { (void)h; (void)s; return 0; }
int snd_seq_unsubscribe_port(snd_seq_t *h, void *s) { (void)h; (void)s; return 0; }
