// Package queue runs work that must happen later or outside a request — a message
// to send at 08:00, a retry after a provider outage — durably, in the database
// Tremplin already uses. It is a thin layer over River (riverqueue.com), which has
// drivers for both of our engines: jobs are rows inserted in the same transaction as
// the change that causes them (so a committed change never loses its job, and a
// rolled-back one never sends anything), taken by one worker at a time across every
// process sharing the database, retried with backoff, and kept across restarts.
//
// Packages declare their kinds of work as River workers (river.WorkerDefaults and a
// Work method) and hand them to New; they enqueue with InsertTx inside db.Tx.
package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"tremplin/internal/platform/db"
)

// Messages is the queue that outgoing messages go through; its concurrency is the
// number of messages handed to providers at once.
const Messages = "messages"

// Config says what this process does with the queue.
type Config struct {
	// Workers is every kind of job this process can work. A process with none only
	// enqueues (the command line, the dataset generator).
	Workers *river.Workers
	// Periodic jobs are enqueued by whichever process leads (one at a time).
	Periodic []*river.PeriodicJob
	// Concurrency is the number of jobs of the messages queue worked at once
	// (default 32: sending is mostly waiting for the provider's answer); other
	// queues get 2.
	Concurrency int
	// Poll is how often idle workers look for due jobs (default 1 s). Both of our
	// drivers poll: River's LISTEN/NOTIFY needs its pgx driver, and we reach
	// PostgreSQL through database/sql.
	Poll time.Duration
	Log  *slog.Logger
}

// Queue enqueues jobs and, when started, works them.
type Queue struct {
	client *river.Client[*sql.Tx]
	works  bool
}

// New prepares the queue on d; its tables were created by d's migrations.
func New(d *db.DB, cfg Config) (*Queue, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	rc := &river.Config{
		// River's own news (started, stopped, counts every few seconds) is for its
		// developers; its warnings and errors are ours.
		Logger:       slog.New(minLevel{cfg.Log.Handler(), slog.LevelWarn}).With("part", "queue"),
		PeriodicJobs: cfg.Periodic,
		// Completed jobs are River's bookkeeping, not our record of what was sent
		// (that is the messages table): one day is enough to look into a problem.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		JobTimeout:                  time.Minute,
		// Longer than the longest job (a batch of messages waiting for the
		// provider's rate limit, 30 minutes at most), or it would run twice.
		RescueStuckJobsAfter: time.Hour,
		// Idle workers look for due jobs every Poll; busy ones take more as soon
		// as a slot frees, at most every FetchCooldown.
		FetchPollInterval: cfg.Poll,
		FetchCooldown:     min(cfg.Poll/4, 20*time.Millisecond),
	}
	if cfg.Poll == 0 {
		rc.FetchPollInterval, rc.FetchCooldown = time.Second, 20*time.Millisecond
	}
	if cfg.Workers != nil {
		n := cfg.Concurrency
		if n <= 0 {
			n = 32
		}
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 2},
			Messages:           {MaxWorkers: n},
		}
	}
	var (
		client *river.Client[*sql.Tx]
		err    error
	)
	switch d.Engine {
	case db.Postgres:
		client, err = river.NewClient(riverdatabasesql.New(d.QueuePool()), rc)
	default:
		client, err = river.NewClient(riversqlite.New(d.QueuePool()), rc)
	}
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return &Queue{client: client, works: cfg.Workers != nil}, nil
}

// Start begins working jobs until Stop or until ctx ends. A queue without workers
// has nothing to start.
func (q *Queue) Start(ctx context.Context) error {
	if !q.works {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop lets jobs in hand finish (for up to ctx's deadline) and stops.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.works {
		return nil
	}
	return q.client.Stop(ctx)
}

// InsertTx enqueues one job as part of tx: it exists if and only if tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := q.client.InsertTx(ctx, tx, args, opts)
	return err
}

// InsertManyTx enqueues many jobs as part of tx, faster than one at a time.
func (q *Queue) InsertManyTx(ctx context.Context, tx *sql.Tx, jobs []river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	_, err := q.client.InsertManyFastTx(ctx, tx, jobs)
	return err
}

// Subscribe reports jobs as they end, for tests and for the demo's log.
func (q *Queue) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return q.client.Subscribe(kinds...)
}

// Job is what a worker learns about the job in hand.
type Job = rivertype.JobRow

// minLevel passes on the records of at least its level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{m.Handler.WithAttrs(as), m.min}
}
func (m minLevel) WithGroup(g string) slog.Handler { return minLevel{m.Handler.WithGroup(g), m.min} }
