package signin_test

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/signin"
)

func TestLinksWorkOnceExpireAndStayInTheirSpace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		vol := signin.Links{Kind: "volunteer", Lifetime: 30 * time.Minute, PerHour: 3}
		other := signin.Links{Kind: "partner", Lifetime: 30 * time.Minute, PerHour: 3}
		now := time.Now()
		token, err := vol.New(ctx, d, 42, now)
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
			tok, _ := vol.New(ctx, d, 42, now.Add(time.Duration(i)*time.Second))
			if (tok != "") != (i < 2) {
				t.Errorf("link %d of the hour: %q", i+2, tok)
			}
		}
		if tok, _ := other.New(ctx, d, 42, now); tok == "" {
			t.Error("another space's subject 42 was refused a link")
		}
		if tok, _ := vol.New(ctx, d, 42, now.Add(61*time.Minute)); tok == "" {
			t.Error("no link an hour later")
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
	} {
		if got := signin.SafeNext(next, "/volunteer"); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
