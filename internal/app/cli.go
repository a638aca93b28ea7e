package app

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/impact"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

const usage = `tremplin — run a digital-inclusion association

Usage:
  tremplin [serve]   serve the web application
  tremplin demo      serve with demo data (on a fresh SQLite database unless --data or --database is given)
  tremplin migrate   apply database migrations and exit
  tremplin user add  create a staff account: --email --name --role admin|manager|adviser [--antenna NAME,…] [--lang fr|en|ar] [--password …]
  tremplin backup FILE   write a consistent copy of the SQLite database to FILE
  tremplin generate --learners N [--antennas 100] [--volunteers 200/antenna] [--seed 1]   fill an empty database with an invented association at scale (benchmarks)

Flags (each also read from the environment):
  --addr      TREMPLIN_ADDR          listen address (default localhost:8080)
  --data      TREMPLIN_DATA          data directory (default ./tremplin-data)
  --database  TREMPLIN_DATABASE_URL  empty: SQLite in the data directory; postgres://… for PostgreSQL
  --base-url  TREMPLIN_BASE_URL      public URL used in emailed links (default http://ADDR)
  --smtp      TREMPLIN_SMTP_URL      smtp://user:password@host:587?from=address (default: emails go to the log)
  --trust-proxy TREMPLIN_TRUST_PROXY=1  behind a reverse proxy: take the client address from X-Forwarded-For
  --sms       TREMPLIN_SMS_URL       https://provider/send?token=…&from=…[&format=form] (default: text messages go to the log)
  --sms-secret TREMPLIN_SMS_SECRET   secret in the provider's callback URLs: BASE/sms/status/SECRET (delivery receipts), BASE/sms/reply/SECRET (STOP replies)
  --sms-rate  TREMPLIN_SMS_RATE      most messages per second handed to the providers by this process (default: no limit)
  --request-timeout TREMPLIN_REQUEST_TIMEOUT  longest a page may wait for the database before the 503 page (default 10s)
  --export-timeout  TREMPLIN_EXPORT_TIMEOUT   the same for exports and downloads (default 5m)
  --max-connections TREMPLIN_MAX_CONNECTIONS  most client connections held open at once (default 1000)
`

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve", "demo", "migrate", "user", "backup", "generate", "help":
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if cmd == "user" {
		if len(args) == 0 || args[0] != "add" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		args = args[1:]
	}
	name := "tremplin " + cmd
	if cmd == "user" {
		name += " add"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var cfg Config
	fs.StringVar(&cfg.Addr, "addr", env("TREMPLIN_ADDR", "localhost:8080"), "listen address")
	fs.StringVar(&cfg.Data, "data", env("TREMPLIN_DATA", "./tremplin-data"), "data directory")
	fs.StringVar(&cfg.DatabaseURL, "database", env("TREMPLIN_DATABASE_URL", ""), "database URL")
	fs.StringVar(&cfg.BaseURL, "base-url", env("TREMPLIN_BASE_URL", ""), "public URL")
	fs.StringVar(&cfg.SMTPURL, "smtp", env("TREMPLIN_SMTP_URL", ""), "SMTP URL")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", env("TREMPLIN_TRUST_PROXY", "") == "1" || env("TREMPLIN_TRUST_PROXY", "") == "true", "trust X-Forwarded-For")
	fs.StringVar(&cfg.SMSURL, "sms", env("TREMPLIN_SMS_URL", ""), "SMS provider URL")
	fs.StringVar(&cfg.SMSSecret, "sms-secret", env("TREMPLIN_SMS_SECRET", ""), "secret of the SMS provider's callbacks")
	smsRate, _ := strconv.ParseFloat(env("TREMPLIN_SMS_RATE", "0"), 64)
	fs.Float64Var(&cfg.SMSRate, "sms-rate", smsRate, "messages per second")
	duration := func(name string, def time.Duration) time.Duration {
		if d, err := time.ParseDuration(getenv(name)); err == nil {
			return d
		}
		return def
	}
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", duration("TREMPLIN_REQUEST_TIMEOUT", DefaultRequestTimeout), "longest a page may take")
	fs.DurationVar(&cfg.ExportTimeout, "export-timeout", duration("TREMPLIN_EXPORT_TIMEOUT", DefaultExportTimeout), "longest an export or download may take")
	maxConns, _ := strconv.Atoi(env("TREMPLIN_MAX_CONNECTIONS", "0"))
	fs.IntVar(&cfg.MaxConnections, "max-connections", maxConns, "most connections held open at once")
	var u struct{ email, name, role, antennas, lang, password string }
	if cmd == "user" {
		fs.StringVar(&u.email, "email", "", "email")
		fs.StringVar(&u.name, "name", "", "full name")
		fs.StringVar(&u.role, "role", "adviser", "admin, manager, adviser or fundraising")
		fs.StringVar(&u.antennas, "antenna", "", "antenna names, comma-separated")
		fs.StringVar(&u.lang, "lang", i18n.Default, "interface language")
		fs.StringVar(&u.password, "password", "", "password (generated when empty)")
	}
	var gen demo.GenerateOptions
	if cmd == "generate" {
		fs.IntVar(&gen.Learners, "learners", 0, "people to generate")
		fs.IntVar(&gen.Antennas, "antennas", 100, "antennas to generate")
		fs.IntVar(&gen.Volunteers, "volunteers", 0, "volunteers to generate (0: 200 an antenna, -1: none)")
		fs.IntVar(&gen.Donors, "donors", 0, "donors to generate, with their gifts and receipts (0: 300 an antenna, -1: none)")
		fs.Int64Var(&gen.Seed, "seed", 1, "random seed")
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	// Only backup takes an argument (its FILE); a stray word elsewhere is most
	// likely a flag typed without its dashes, and is refused rather than ignored.
	want := 0
	if cmd == "backup" {
		want = 1
	}
	if len(pos) != want {
		switch {
		case want == 1 && len(pos) == 0:
			fmt.Fprintf(stderr, "tremplin backup: missing FILE, where to write the copy (tremplin backup FILE [--data DIR])\n")
		case want == 1:
			fmt.Fprintf(stderr, "tremplin backup: one FILE expected, got %d: %s\n", len(pos), strings.Join(pos, " "))
		default:
			fmt.Fprintf(stderr, "%s: unexpected argument %q (flags are written --name value)\n", fs.Name(), pos[0])
		}
		return 2
	}
	cfg.Log = log
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, stdout, false)
	case "demo":
		if getenv("TREMPLIN_DATA") == "" && getenv("TREMPLIN_DATABASE_URL") == "" && !flagSet(fs, "data") && !flagSet(fs, "database") {
			if cfg.Data, err = os.MkdirTemp("", "tremplin-demo-"); err != nil {
				break
			}
		}
		err = serve(ctx, cfg, stdout, true)
	case "migrate":
		var d *db.DB
		if d, err = db.Open(ctx, cfg.DatabaseURL, cfg.Data); err == nil {
			d.Close()
			fmt.Fprintln(stdout, "database is up to date")
		}
	case "user":
		err = addUser(ctx, cfg, u.email, u.name, u.role, u.antennas, u.lang, u.password, stdout)
	case "backup":
		err = backup(ctx, cfg, pos[0], stdout)
	case "generate":
		var d *db.DB
		if d, err = db.Open(ctx, cfg.DatabaseURL, cfg.Data); err == nil {
			gen.Out = stdout
			err = demo.Generate(ctx, d, gen)
			d.Close()
		}
	case "help":
		fmt.Fprint(stdout, usage)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tremplin:", err)
		return 1
	}
	return 0
}

// parseInterspersed parses flags wherever they stand among the arguments
// (`tremplin backup FILE --data DIR` as well as `tremplin backup --data DIR FILE`)
// and returns the other arguments in order. Everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func serve(ctx context.Context, cfg Config, stdout io.Writer, withDemo bool) error {
	start := time.Now()
	a, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	var logins []demo.Login
	if withDemo {
		if logins, err = demo.Seed(ctx, a.DB); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	where := cfg.DatabaseURL
	if where == "" {
		where = filepath.Join(cfg.Data, "tremplin.db")
	}
	if strings.HasPrefix(where, "postgres") {
		where = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "Tremplin is serving http://%s (database: %s, ready in %s)\n", ln.Addr(), where, time.Since(start).Round(time.Millisecond))
	if withDemo {
		fmt.Fprintf(stdout, "Demo logins (password %q):\n", demo.Password)
		for _, l := range logins {
			fmt.Fprintf(stdout, "  %-36s %-8s %s\n", l.Email, l.Role, l.Antenna)
		}
		fmt.Fprintf(stdout, "Company recruiters sign in at /company/login by emailed link (in the log): %s, %s\n",
			demo.DemoRecruiter, demo.DemoOtherRecruiter)
	}
	go refreshImpact(ctx, a)
	return a.Serve(ctx, ln)
}

// refreshImpact brings the dashboards' counters up to date while the server
// starts, so that the first dashboard after an upgrade that rebuilds them (two or
// three minutes for a million people) is not the one kept waiting.
func refreshImpact(ctx context.Context, a *App) {
	start := time.Now()
	if err := impact.Refresh(impact.WithShutdown(ctx, ctx), a.DB); err != nil {
		if ctx.Err() == nil {
			a.Log.Error("impact counters", "err", err)
		}
		return
	}
	a.Log.Info("impact counters up to date", "took", time.Since(start).Round(time.Millisecond).String())
}

func addUser(ctx context.Context, cfg Config, email, name, role, antennas, lang, password string, stdout io.Writer) error {
	if email == "" || name == "" {
		return errors.New("user add: --email and --name are required")
	}
	r := auth.Role(role)
	if !r.Valid() {
		return fmt.Errorf("user add: --role must be admin, manager or adviser, not %q", role)
	}
	if !i18n.Supported(lang) {
		return fmt.Errorf("user add: --lang must be one of %s", strings.Join(i18n.Languages, ", "))
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data)
	if err != nil {
		return err
	}
	defer d.Close()
	st := &auth.Staff{Name: name, Email: email, Role: r, Lang: lang, Active: true}
	if antennas != "" {
		all, err := org.AllAntennas(ctx, d)
		if err != nil {
			return err
		}
		for _, want := range strings.Split(antennas, ",") {
			found := false
			for _, a := range all {
				if strings.EqualFold(a.Name, strings.TrimSpace(want)) {
					st.Antennas, found = append(st.Antennas, a.ID), true
				}
			}
			if !found {
				return fmt.Errorf("user add: no antenna named %q", want)
			}
		}
	}
	if r != auth.Admin && len(st.Antennas) == 0 {
		return errors.New("user add: managers and advisers need --antenna")
	}
	generated := password == ""
	if generated {
		password = rand.Text()[:16]
	}
	if len([]rune(password)) < auth.MinPasswordLength {
		return fmt.Errorf("user add: the password needs at least %d characters", auth.MinPasswordLength)
	}
	if st.PasswordHash, err = auth.HashPassword(password); err != nil {
		return err
	}
	if err := auth.Save(ctx, d, st); err != nil {
		if errors.Is(err, auth.ErrEmailTaken) {
			return fmt.Errorf("user add: %s already has an account", st.Email)
		}
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", st.Email, st.Role)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

func backup(ctx context.Context, cfg Config, path string, stdout io.Writer) error {
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.Data)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", path)
	return nil
}
