package signin_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/signin"
)

func TestLinksWorkOnceExpireAndStayInTheirSpace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		vol := signin.Links{Kind: "volunteer", Lifetime: 30 * time.Minute, Quota: signin.Quota{PerAccount: 3, PerAddress: 10, Window: time.Hour}}
		other := signin.Links{Kind: "partner", Lifetime: 30 * time.Minute, Quota: signin.Quota{PerAccount: 3, PerAddress: 10, Window: time.Hour}}
		now := time.Now()
		token, err := vol.New(ctx, d, 42, "", now)
		if err != nil || token == "" {
			t.Fatal(token, err)
		}
		if ok, _ := other.Valid(ctx, d, token, now); ok {
			t.Error("a volunteer's link is valid in the partner space")
		}
		if id, _ := other.Use(ctx, d, token, now); id != 0 {
			t.Error("a volunteer's link signed in to the partner space")
		}
		if ok, _ := vol.Valid(ctx, d, token, now.Add(31*time.Minute)); ok {
			t.Error("an expired link is valid")
		}
		if id, _ := vol.Use(ctx, d, token, now.Add(31*time.Minute)); id != 0 {
			t.Error("an expired link signed in")
		}
		if ok, _ := vol.Valid(ctx, d, token, now.Add(time.Minute)); !ok {
			t.Error("a fresh link is not valid")
		}
		if id, _ := vol.Use(ctx, d, token, now.Add(time.Minute)); id != 42 {
			t.Errorf("fresh link: subject %d, want 42", id)
		}
		if id, _ := vol.Use(ctx, d, token, now.Add(2*time.Minute)); id != 0 {
			t.Error("a link worked twice")
		}
		// The hourly limit counts per subject and per space.
		for i := range 3 {
			tok, _ := vol.New(ctx, d, 42, "", now.Add(time.Duration(i)*time.Second))
			if (tok != "") != (i < 2) {
				t.Errorf("link %d of the hour: %q", i+2, tok)
			}
		}
		if tok, _ := other.New(ctx, d, 42, "", now); tok == "" {
			t.Error("another space's subject 42 was refused a link")
		}
		if tok, _ := vol.New(ctx, d, 42, "", now.Add(61*time.Minute)); tok == "" {
			t.Error("no link an hour later")
		}
	})
}

// One address asking for many people's links, known or not, is sent a few and
// then none; another address is not affected, nor the people's own quota.
func TestQuotaCountsPerAccountAndPerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := signin.Quota{PerAccount: 2, PerAddress: 4, Window: time.Hour}
		now := time.Now()
		var sent []bool
		for i := range 6 {
			ok, err := q.Take(ctx, d, "password", int64(i%3), "192.0.2.1", now) // 0 is nobody
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, ok)
		}
		if want := []bool{false, true, true, false, false, false}; !slices.Equal(sent, want) {
			t.Errorf("from one address: %v, want %v", sent, want)
		}
		if ok, _ := q.Take(ctx, d, "password", 1, "192.0.2.2", now); !ok {
			t.Error("another address was refused a link for an account sent one")
		}
		if ok, _ := q.Take(ctx, d, "password", 1, "192.0.2.3", now); ok {
			t.Error("an account was sent more than its quota")
		}
		if ok, _ := q.Take(ctx, d, "partner", 1, "192.0.2.1", now); !ok {
			t.Error("another kind of link was refused")
		}
		if ok, _ := q.Take(ctx, d, "password", 2, "192.0.2.1", now.Add(61*time.Minute)); !ok {
			t.Error("no link an hour later")
		}
		var stored int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM link_requests WHERE address_key LIKE '%192.0.2%'").Scan(&stored)
		if stored != 0 {
			t.Error("the address is stored as is")
		}
	})
}

func TestSafeNextStaysInTheSpace(t *testing.T) {
	for next, want := range map[string]string{
		"/volunteer/shifts?week=2": "/volunteer/shifts?week=2",
		"/volunteer":               "/volunteer",
		"/volunteers/3":            "",
		"//evil.example/volunteer": "",
		"https://evil.example/":    "",
		"/volunteer/login/abc":     "",
		"/volunteer/logout":        "",
		"/volunteer/../admin":      "",
		"/partner":                 "",
		"/volunteer/%09/x":         "",
		"/volunteer\\x":            "",
	} {
		if got := signin.SafeNext(next, "/volunteer"); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
