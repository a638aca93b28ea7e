package app_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/platform/db"
)

// lockTable holds an ACCESS EXCLUSIVE lock on table of the site's PostgreSQL
// schema, from another connection, until the test ends: every statement that
// touches the table waits, as when the database hangs.
func lockTable(t *testing.T, s *site, table string) {
	t.Helper()
	var schema string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("pgx", os.Getenv("TREMPLIN_TEST_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("LOCK TABLE " + schema + "." + table + " IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(); other.Close() })
}

var requestIDShown = regexp.MustCompile(`class="muted">[^<]*: ([0-9a-f]{12})<`)

// A database that does not answer gives, within the page's deadline, the "service
// unavailable" page with a request id that the log also has, instead of a page
// that hangs until the server drops the connection.
func TestPageAnswers503WhenTheDatabaseHangs(t *testing.T) {
	s := newSite(t, db.Postgres, func(c *app.Config) { c.RequestTimeout = time.Second })
	b := s.signIn("admin@tremplin.example")
	if p := b.get("/antennas"); p.status != http.StatusOK {
		t.Fatalf("antennas before the lock: %d", p.status)
	}
	lockTable(t, s, "antennas")
	start := time.Now()
	b.c.Timeout = 20 * time.Second
	p := b.get("/antennas")
	took := time.Since(start)
	if p.status != http.StatusServiceUnavailable {
		t.Fatalf("antennas while the database hangs: status %d after %s, want 503\n%s", p.status, took, p.body)
	}
	if took > 4*time.Second {
		t.Errorf("the 503 page came after %s, the deadline is 1 s", took)
	}
	if !strings.Contains(p.body, "La base de données ne répond pas") {
		t.Errorf("the 503 page does not say what happens:\n%s", p.body)
	}
	m := requestIDShown.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no request id on the 503 page:\n%s", p.body)
	}
	time.Sleep(50 * time.Millisecond) // the access log line is written after the answer
	if logs := s.logs.String(); !strings.Contains(logs, "request_id="+m[1]+" method=GET path=/antennas status=503") ||
		!strings.Contains(logs, `msg="request deadline passed" request_id=`+m[1]) {
		t.Errorf("the log does not have request %s as failed:\n%s", m[1], logs)
	}
}

// A form whose sender gave up while the database hung is not saved when the
// database answers again: its statement is cancelled by the server, not left to
// commit once what it waited for is released. Here it waits for another
// transaction that inserted the same name (the unique index makes it wait for
// that one to end), which then rolls back.
func TestPostWhoseClientLeftIsNotSaved(t *testing.T) {
	s := newSite(t, db.Postgres, func(c *app.Config) { c.RequestTimeout = 30 * time.Second })
	b := s.signIn("admin@tremplin.example")
	var schema string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("pgx", os.Getenv("TREMPLIN_TEST_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO "+schema+".antennas (name, city, country, timezone, address, phone, created_at, updated_at) VALUES ('Roubaix', 'Roubaix', 'FR', 'Europe/Paris', '', '', $1, $1)", db.Now()); err != nil {
		t.Fatal(err)
	}
	b.c.Timeout = 500 * time.Millisecond
	form := url.Values{"name": {"Roubaix"}, "city": {"Roubaix"}, "country": {"FR"}, "timezone": {"Europe/Paris"}}
	req, _ := http.NewRequest("POST", s.srv.URL+"/antennas", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, err := b.c.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the POST was answered (%d) while the database hung", res.StatusCode)
	}
	time.Sleep(1500 * time.Millisecond) // the server notices and cancels
	tx.Rollback()
	time.Sleep(time.Second) // a statement left waiting would now run
	var n int
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM antennas WHERE name = 'Roubaix'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("the antenna was created after its sender had given up")
	}
}
