package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tremplin/internal/platform/db"
)

// An adviser with a full week reads it on a phone, one day under the other, then
// one day, then in Arabic; on a laptop the same week stands in seven columns. Her
// manager reads the antenna's week and a place's. Every page at 360 px, without
// sideways scrolling, accessible and within its weight.
func TestAdviserReadsHerWeekOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	ctx := context.Background()

	// Next week, twelve interviews a day from Monday to Friday with the people of
	// Lille, some at La Grappe, some by phone, one cancelled a day.
	var karim, lille, grappe int64
	if err := b.app.DB.QueryRowContext(ctx, `SELECT s.id, sa.antenna_id FROM staff s JOIN staff_antennas sa ON sa.staff_id = s.id
		WHERE s.email = $1`, adviser).Scan(&karim, &lille); err != nil {
		t.Fatal(err)
	}
	if err := b.app.DB.QueryRowContext(ctx, "SELECT id FROM places WHERE antenna_id = $1 ORDER BY id LIMIT 1", lille).Scan(&grappe); err != nil {
		t.Fatal(err)
	}
	people, err := db.Collect[int64](b.app.DB.QueryContext(ctx, "SELECT id FROM learners WHERE antenna_id = $1 AND merged_into IS NULL ORDER BY id LIMIT 60", lille))(db.ScanInt64)
	if err != nil || len(people) == 0 {
		t.Fatalf("the demo's people of Lille: %v", err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Now().In(paris)
	monday := time.Date(now.Year(), now.Month(), now.Day()+7-(int(now.Weekday())+6)%7, 0, 0, 0, 0, paris)
	stamp := db.Now()
	for day := range 5 {
		for i := range 12 {
			start := time.Date(monday.Year(), monday.Month(), monday.Day()+day, 8, 30+40*i, 0, 0, paris)
			mode, place, state := "phone", any(nil), "booked"
			if i%2 == 0 {
				mode, place = "place", grappe
			}
			if i == 5 {
				state = "cancelled"
			}
			if _, err := b.app.DB.Exec(ctx, `INSERT INTO appointments (antenna_id, learner_id, staff_id, kind, mode, place_id, starts_at, ends_at,
				state, cancelled_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
				lille, people[(day*12+i)%len(people)], karim, []string{"first_contact", "positioning", "follow_up", "other"}[i%4], mode, place,
				db.FormatTime(start), db.FormatTime(start.Add(35*time.Minute)), state, map[string]string{"cancelled": "person"}[state], stamp); err != nil {
				t.Fatal(err)
			}
		}
	}

	b.visit("login page", "/login")
	b.signIn(adviser)
	b.load("agenda", click(`header a[href="/agenda"]`))
	b.load("next week", click(`main nav a[rel="next"]`))
	// On a phone the days stand one under the other, each as wide as the screen.
	if col := js[bool](b, `(() => { const d = [...document.querySelectorAll('main .ag-day')];
		return d.length === 7 && d.every((s, i) => i === 0 || s.getBoundingClientRect().top > d[i-1].getBoundingClientRect().top) })()`); !col {
		t.Error("on a phone the week's days are not one under the other")
	}
	if n := js[int](b, `document.querySelectorAll('main .ag-appt').length`); n != 60 {
		t.Errorf("the week shows %d appointments, want 60", n)
	}
	b.load("one day", click(`main .ag-day h2 a[href="?day=`+monday.Format(time.DateOnly)+`"]`))
	if n := js[int](b, `document.querySelectorAll('main .ag-day').length`); n != 1 {
		t.Errorf("the day view shows %d days", n)
	}
	b.load("the day after", click(`main nav a[rel="next"]`))

	// The manager's views, then the week in Arabic.
	b.load("signed out", click(`header form[action="/logout"] button`))
	b.visit("login page", "/login")
	b.signIn("manager.lille@tremplin.example")
	week := func() string { y, w := monday.ISOWeek(); return fmt.Sprintf("%04d-W%02d", y, w) }()
	b.visit("antenna week", "/agenda/antenna/"+strconv.FormatInt(lille, 10)+"?week="+week)
	b.visit("place week", "/agenda/places/"+strconv.FormatInt(grappe, 10)+"?week="+week)
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.visit("antenna week in Arabic", "/agenda/antenna/"+strconv.FormatInt(lille, 10)+"?week="+week)
	b.visit("agenda in Arabic", "/agenda?day="+monday.Format(time.DateOnly))

	// A laptop shows the week in columns, side by side.
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	b.visit("place week on a laptop", "/agenda/places/"+strconv.FormatInt(grappe, 10)+"?week="+week)
	if row := js[bool](b, `(() => { const d = [...document.querySelectorAll('main .ag-day')];
		return d.length === 7 && d.every(s => s.getBoundingClientRect().top === d[0].getBoundingClientRect().top) })()`); !row {
		t.Error("on a laptop the week's days are not side by side")
	}
}
