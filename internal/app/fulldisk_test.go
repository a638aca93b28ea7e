package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
)

// A full disk (here SQLite's max_page_count, reached) gives the 503 page that
// says so, with a request id, rather than a 500; /readyz says not ready until a
// write works again.
func TestFullDiskAnswers503AndNotReady(t *testing.T) {
	s := newSite(t, db.SQLite)
	ctx := context.Background()
	b := s.signIn("admin@tremplin.example")
	if p := b.get("/readyz"); p.status != http.StatusOK {
		t.Fatalf("readyz before: %d", p.status)
	}
	var pages int
	if err := s.app.DB.QueryRowContext(ctx, "SELECT page_count FROM pragma_page_count()").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer's connection may not grow the file any more; fill the room left
	// in the antennas' pages with rows the size of the one the form will send.
	if _, err := s.app.DB.Exec(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	name := func(i int) string { return fmt.Sprintf("%0100d", i) }
	var err error
	for i := 0; i < 100000 && err == nil; i++ {
		_, err = s.app.DB.Exec(ctx, `INSERT INTO antennas (name, city, country, timezone, address, phone, created_at, updated_at)
			VALUES ($1, 'Roubaix', 'FR', 'Europe/Paris', '', '', $2, $2)`, name(i), db.Now())
	}
	if !db.IsStorageFull(err) {
		t.Fatalf("the database never filled: %v", err)
	}

	p := b.post("/antennas", url.Values{"name": {name(999999)}, "city": {"Roubaix"}, "country": {"FR"}, "timezone": {"Europe/Paris"}})
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "Le disque du serveur est plein") {
		t.Fatalf("saving on a full disk: %d\n%s", p.status, p.body)
	}
	if m := requestIDShown.FindStringSubmatch(p.body); m == nil || !strings.Contains(s.logs.String(), "request_id="+m[1]) {
		t.Errorf("no request id on the page, or not in the log:\n%s", p.body)
	}
	if p := b.get("/antennas"); p.status != http.StatusOK {
		t.Errorf("reading on a full disk: %d", p.status)
	}
	if p := b.get("/readyz"); p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "disk full") {
		t.Errorf("readyz on a full disk: %d %s", p.status, p.body)
	}

	// Room again: ready at once, and the form saves.
	if _, err := s.app.DB.Exec(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/readyz"); p.status != http.StatusOK {
		t.Errorf("readyz once there is room: %d %s", p.status, p.body)
	}
	if p := b.post("/antennas", url.Values{"name": {name(999999)}, "city": {"Roubaix"}, "country": {"FR"}, "timezone": {"Europe/Paris"}}); p.status != http.StatusSeeOther {
		t.Errorf("saving once there is room: %d", p.status)
	}
}
