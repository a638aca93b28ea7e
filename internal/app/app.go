// Package app wires Tremplin together: configuration → database → packages → one
// route table → HTTP server. It also holds the command-line subcommands.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"
	"tremplin/internal/appointments"
	"tremplin/internal/messages"
	"tremplin/internal/platform/queue"

	"github.com/riverqueue/river"
	"golang.org/x/net/netutil"
	"golang.org/x/time/rate"

	"github.com/alexedwards/scs/v2"

	"tremplin/internal/agenda"
	"tremplin/internal/attendance"
	"tremplin/internal/calendar"
	"tremplin/internal/catalogue"
	"tremplin/internal/civic"
	"tremplin/internal/donations"
	"tremplin/internal/exports"
	"tremplin/internal/followups"
	"tremplin/internal/impact"
	"tremplin/internal/jobs"
	"tremplin/internal/learners"
	"tremplin/internal/opendata"
	"tremplin/internal/org"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
	"tremplin/internal/positioning"
	"tremplin/internal/privacy"
	"tremplin/internal/profiles"
	"tremplin/internal/registration"
	"tremplin/internal/training"
	"tremplin/internal/volunteers"
)

// Config is everything that can be set from flags and environment.
type Config struct {
	Addr        string // listen address, e.g. localhost:8080
	Data        string // data directory (SQLite file, backups)
	DatabaseURL string // empty for SQLite in Data; postgres://… for PostgreSQL
	BaseURL     string // public URL for links in emails; default http://Addr
	SMTPURL     string // empty: emails are written to the log
	SMSURL      string // empty: text messages are written to the log
	// SMSSecret authenticates the SMS provider's calls (delivery receipts at
	// /sms/status/{secret}, replies at /sms/reply/{secret}); empty refuses them.
	SMSSecret string
	// SMSRate is the most messages per second this process hands to providers (the
	// provider's rate limit); 0 for no limit.
	SMSRate float64
	// QueuePoll is how often the queue looks for due work (default 1 s).
	QueuePoll time.Duration
	// Now is the clock of the messages and appointments (time.Now when nil): tests
	// set it to a weekday morning so that quiet hours do not depend on when they run.
	Now        func() time.Time
	TrustProxy bool // take the client address from X-Forwarded-For (set by our reverse proxy)
	// RequestTimeout bounds a page's work, its database queries included: past
	// it the person gets the 503 page (default 10 s). ExportTimeout is the same
	// for exports and downloads (.csv, .xlsx, .pdf, .ics, .json, .zip; default 5 min).
	RequestTimeout time.Duration
	ExportTimeout  time.Duration
	// MaxConnections caps the connections the server holds open at once
	// (default 1000): past it, new ones wait to be accepted, so that slow or idle
	// clients cannot use up the process's file descriptors.
	MaxConnections int
	Log            *slog.Logger
	Mailer         notify.Mailer // overrides SMTPURL when set
	SMS            notify.SMS    // overrides SMSURL when set
}

// App is a running Tremplin: its database and its HTTP handler. It keeps no state
// of its own between requests, so several can share one PostgreSQL.
type App struct {
	Config       Config
	DB           *db.DB
	Log          *slog.Logger
	Render       *web.Renderer
	Sessions     *scs.SessionManager
	Auth         *auth.Service
	Org          *org.Handlers
	Training     *training.Handlers
	Catalogue    *catalogue.Handlers
	Attendance   *attendance.Handlers
	Calendar     *calendar.Handlers
	Learners     *learners.Handlers
	Registration *registration.Handlers
	FollowUps    *followups.Handlers
	Positioning  *positioning.Handlers
	Partners     *partners.Handlers
	Jobs         *jobs.Handlers
	Impact       *impact.Handlers
	OpenData     *opendata.Handlers
	Privacy      *privacy.Handlers
	Exports      *exports.Handlers
	Appointments *appointments.Handlers
	Civic        *civic.Handlers
	Donations    *donations.Handlers
	Agenda       *agenda.Handlers
	Messages     *messages.Handlers
	Volunteers   *volunteers.Handlers
	Profiles     *profiles.Handlers
	Outbox       *messages.Outbox
	Queue        *queue.Queue
	assets       *web.Assets
	handler      http.Handler
	routes       []Route
}

// The default deadlines of a request (Config.RequestTimeout, ExportTimeout).
const (
	DefaultRequestTimeout = 10 * time.Second
	DefaultExportTimeout  = 5 * time.Minute
)

// DefaultMaxConnections is Config.MaxConnections when unset.
const DefaultMaxConnections = 1000

// isDownload tells the requests that get ExportTimeout: files to download,
// whose path ends with their extension.
func isDownload(r *http.Request) bool {
	switch path.Ext(r.URL.Path) {
	case ".csv", ".xlsx", ".pdf", ".ics", ".json", ".zip":
		return true
	}
	return false
}

// MaxBodyBytes is the largest form accepted; MaxUploadBytes the largest file upload.
const (
	MaxBodyBytes   = 1 << 20
	MaxUploadBytes = 16 << 20
)

// New opens the database, applies migrations and builds the handler.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data)
	if err != nil {
		return nil, err
	}
	// Search keys computed by an older version (or before migration 0044) are
	// made again, once: about a minute for a million files.
	t := time.Now()
	if err := learners.FillKeys(ctx, d, nil); err != nil {
		d.Close()
		return nil, err
	}
	if took := time.Since(t); took > time.Second {
		cfg.Log.Info("search keys filled", "took", took.Round(time.Second))
	}
	// Learners' places for matching by distance, for profiles summed up before
	// migration 0094: once.
	if err := profiles.Locate(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	a, err := build(cfg, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func build(cfg Config, d *db.DB) (*App, error) {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.ExportTimeout <= 0 {
		cfg.ExportTimeout = DefaultExportTimeout
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	a := &App{Config: cfg, DB: d, Log: cfg.Log}
	var err error
	mailer := cfg.Mailer
	if mailer == nil {
		if mailer, err = notify.NewMailer(cfg.SMTPURL, cfg.Log); err != nil {
			return nil, err
		}
	}
	if a.assets, err = web.NewAssets(); err != nil {
		return nil, err
	}
	a.Render, err = web.NewRenderer(a.assets, cfg.Log,
		auth.Pages(),
		appointments.Pages(),
		messages.Pages(),
		agenda.Pages(),
		org.Pages(),
		training.Pages(),
		catalogue.Pages(),
		attendance.Pages(),
		calendar.Pages(),
		learners.Pages(),
		registration.Pages(),
		followups.Pages(),
		positioning.Pages(),
		partners.Pages(),
		jobs.Pages(),
		impact.Pages(),
		opendata.Pages(),
		privacy.Pages(),
		exports.Pages(),
		volunteers.Pages(),
		civic.Pages(),
		donations.Pages(),
		profiles.Pages(),
	)
	if err != nil {
		return nil, err
	}
	https := strings.HasPrefix(cfg.BaseURL, "https://")
	a.Sessions = auth.NewSessions(d, https)
	a.Sessions.ErrorFunc = a.Render.Fail // a session store failure gets the 503/500 page
	a.Auth = &auth.Service{DB: d, Sessions: a.Sessions, Render: a.Render, Mail: mailer, BaseURL: cfg.BaseURL, Log: cfg.Log}
	a.Render.Flash = a.Auth.PopFlash
	a.Render.Unavailable = db.IsUnavailable
	a.Render.Full = db.IsStorageFull
	sms := cfg.SMS
	if sms == nil {
		if sms, err = notify.NewSMS(cfg.SMSURL, cfg.Log); err != nil {
			return nil, err
		}
	}
	deps := web.Deps{DB: d, Render: a.Render, Log: cfg.Log, Flash: a.Auth.Flash}
	a.Org = &org.Handlers{Deps: deps, Auth: a.Auth}
	a.Learners = &learners.Handlers{Deps: deps}
	a.Outbox = &messages.Outbox{}
	a.Registration = &registration.Handlers{Deps: deps, Outbox: a.Outbox, Learners: a.Learners}
	a.FollowUps = &followups.Handlers{Deps: deps, Files: a.Learners}
	a.Training = &training.Handlers{Deps: deps, BaseURL: cfg.BaseURL, Outbox: a.Outbox, Now: cfg.Now, NameKey: learners.NameKey}
	a.Catalogue = &catalogue.Handlers{Deps: deps, Auth: a.Auth}
	a.Attendance = &attendance.Handlers{Deps: deps, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Calendar = &calendar.Handlers{Deps: deps}
	a.Positioning = &positioning.Handlers{Deps: deps}
	a.Partners = &partners.Handlers{Deps: deps, Auth: a.Auth, Mail: mailer, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Jobs = &jobs.Handlers{Deps: deps, Auth: a.Auth, Mail: mailer, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Impact = &impact.Handlers{Deps: deps, PartnerFunnel: "/partners/figures"}
	a.OpenData = &opendata.Handlers{Deps: deps, BaseURL: cfg.BaseURL}
	a.Privacy = &privacy.Handlers{Deps: deps, PartnerContact: a.Partners.SignedInContact, Now: cfg.Now,
		Retention: &privacy.Retention{DB: d, Outbox: a.Outbox, Log: cfg.Log}}
	a.Exports = &exports.Handlers{Deps: deps}
	a.Messages = &messages.Handlers{Deps: deps, Secret: cfg.SMSSecret}
	a.Appointments = &appointments.Handlers{Deps: deps, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Civic = &civic.Handlers{Deps: deps, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Agenda = &agenda.Handlers{Deps: deps, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Volunteers = &volunteers.Handlers{Deps: deps, Auth: a.Auth, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Donations = &donations.Handlers{Deps: deps, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now}
	a.Learners.Gear = a.Donations.Gear
	a.Profiles = &profiles.Handlers{Deps: deps}
	a.Jobs.Outbox, a.Jobs.Profiles = a.Outbox, a.Profiles
	a.Profiles.ForOffer = a.Jobs.MatchOffer
	a.Jobs.OnProfileRead = a.Privacy.RecruiterRead
	// A hire is the person's situation at their follow-ups from its first day.
	a.Jobs.OnHire = func(ctx context.Context, learnerID int64, situation, note string, starts time.Time) error {
		_, err := learners.RecordHire(ctx, d, learnerID, situation, note, starts)
		return err
	}
	a.Learners.Jobs = a.Jobs.FileJobs
	a.Learners.Exited = a.Jobs.HiresToFollowUps
	a.Learners.Edited = func(ctx context.Context, learnerID int64) error { return profiles.Refresh(ctx, d, learnerID) }
	// The dashboard shows volunteers and civic service beside the learners.
	a.Impact.Extra = []impact.Extra{a.Volunteers.Figures, a.Civic.Figures, a.Jobs.DashboardFigures}
	sender := &messages.Sender{DB: d, SMS: sms, Mail: mailer, Log: cfg.Log, Now: cfg.Now}
	if cfg.SMSRate > 0 {
		sender.Limit = rate.NewLimiter(rate.Limit(cfg.SMSRate), 1)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, sender)
	river.AddWorker(workers, &messages.Batch{Sender: sender})
	river.AddWorker(workers, &appointments.Planner{DB: d, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now})
	river.AddWorker(workers, &attendance.Planner{DB: d, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now})
	river.AddWorker(workers, &training.Lapser{H: a.Training})
	river.AddWorker(workers, &civic.Forgetter{DB: d})
	river.AddWorker(workers, &volunteers.Forgetter{DB: d})
	river.AddWorker(workers, &privacy.Purger{DB: d, Retention: a.Privacy.Retention, Now: cfg.Now})
	river.AddWorker(workers, &jobs.Closer{H: a.Jobs})
	river.AddWorker(workers, &volunteers.Planner{DB: d, Outbox: a.Outbox, BaseURL: cfg.BaseURL, Now: cfg.Now})
	if a.Queue, err = queue.New(d, queue.Config{Workers: workers, Log: cfg.Log, Poll: cfg.QueuePoll,
		Periodic: []*river.PeriodicJob{appointments.Periodic(), attendance.Periodic(), training.LapsePeriodic(), civic.Periodic(),
			volunteers.Periodic(), volunteers.ForgetPeriodic(), privacy.PurgePeriodic(), jobs.ClosePeriodic()}}); err != nil {
		return nil, err
	}
	a.Outbox.Queue = a.Queue
	// Packages tell each other what happened through these callbacks, wired here, so
	// that no package writes another's tables and imports stay one-way.
	// A recruiter profile's summary follows the tests and courses it shows.
	a.Training.OnEnrolment = func(ctx context.Context, learnerID int64, state string) error {
		if err := a.Learners.EnrolmentChanged(ctx, learnerID, state); err != nil {
			return err
		}
		return profiles.Refresh(ctx, d, learnerID)
	}
	a.Positioning.OnTaken = func(ctx context.Context, learnerID int64) error {
		if err := a.Learners.Positioned(ctx, learnerID); err != nil {
			return err
		}
		return profiles.Refresh(ctx, d, learnerID)
	}
	a.Attendance.OnMarked = func(ctx context.Context, ids []int64) error { return profiles.RefreshMany(ctx, d, ids) }
	a.Learners.OnStatus = a.Partners.LearnerStatusChanged
	a.Appointments.OnChange = a.Partners.AppointmentChanged
	a.Learners.Seats = a.Training.Seats
	a.Org.Today = a.today
	a.Partners.Counters = func(ctx context.Context) (bool, error) {
		err := impact.Refresh(ctx, d)
		if errors.Is(err, impact.ErrBuilding) {
			return false, nil
		}
		return err == nil, err
	}

	a.routes = a.routeTable()
	mux := http.NewServeMux()
	once := &web.Once{DB: d, Render: a.Render}
	for _, rt := range a.routes {
		var h http.Handler = rt.Handler
		if action := auditOf(rt.Pattern); action != "" && !noAudit {
			h = a.Privacy.Audited(action, rt.Pattern, h)
		}
		if strings.HasPrefix(rt.Pattern, "POST ") {
			// Inside the policy check: a refused request records nothing.
			h = once.Wrap(h)
		}
		mux.Handle(rt.Pattern, a.Auth.Guard(rt.Policy, h))
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.Render.Error(w, r, http.StatusForbidden)
	}))
	var h http.Handler = mux
	h = a.Auth.Identify(h)
	h = a.Sessions.LoadAndSave(h)
	h = a.Auth.Language(h)
	h = cop.Handler(h)
	h = web.LimitBody(MaxBodyBytes, MaxUploadBytes)(h)
	h = web.Compress(h)
	h = web.SecureHeaders(https)(h)
	if cfg.TrustProxy {
		h = web.ForwardedFor(h)
	}
	h = web.Deadline(cfg.RequestTimeout, cfg.ExportTimeout, isDownload)(h)
	h = web.Observe(cfg.Log, func(w http.ResponseWriter, r *http.Request) {
		a.Render.Error(w, r, http.StatusInternalServerError)
	})(h)
	a.handler = h
	return a, nil
}

// noAudit leaves the audit of reads and changes out of the applications
// built while it is set: only the benchmark that measures what the audit
// costs sets it (export_test.go).
var noAudit bool

// Handler is the whole web application.
func (a *App) Handler() http.Handler { return a.handler }

// Routes returns the route table, for tests and for the access-policy check.
func (a *App) Routes() []Route { return a.routes }

// Work starts the queue's workers: messages go out, reminders are planned. It
// returns at once; Close stops them.
func (a *App) Work(ctx context.Context) error { return a.Queue.Start(ctx) }

// Close stops the workers (letting a message in hand finish) and releases the
// database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A counter build stopped by the shutdown clears its mark first.
	impact.WaitBuilds(ctx)
	return errors.Join(a.Queue.Stop(ctx), a.DB.Close())
}

// Serve answers on ln until ctx ends, then lets requests in flight finish.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	// A client that sends its request's headers slowly, or keeps its connection
	// idle, is let go soon; past MaxConnections, new connections wait in the
	// kernel's queue until one ends. A reverse proxy in front (README) keeps such
	// clients away altogether.
	ln = netutil.LimitListener(ln, a.Config.MaxConnections)
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       30 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		// Requests end on their own at shutdown, but a counter build one of
		// them started stops with the process (impact.WithShutdown).
		BaseContext: func(net.Listener) context.Context { return impact.WithShutdown(context.Background(), ctx) },
	}
	go a.sweep(ctx)
	if err := a.Work(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

// sweep removes expired sessions and tokens now and then.
func (a *App) sweep(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			err := auth.Sweep(ctx, a.DB)
			if err == nil {
				err = web.SweepOnce(ctx, a.DB)
			}
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("sweep", "err", err)
			}
		}
	}
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz says whether this process can serve: the database answers.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	// After a write failed for want of disk, not ready until one succeeds: a
	// load balancer sends people elsewhere, a monitor warns.
	if a.DB.WritesFailing() {
		if err := a.DB.ProbeWrite(ctx); err != nil {
			a.Log.Warn("not ready: the database cannot write", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database cannot write (disk full or failing)\n"))
			return
		}
	}
	w.Write([]byte("ready\n"))
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) { a.Render.NotFound(w, r) }
