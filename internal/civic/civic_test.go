package civic_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"tremplin/internal/civic"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

func d8(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Who may start a mission on 1 September 2027, by birth date and answers.
func TestEligibility(t *testing.T) {
	start := d8("2027-09-01")
	for _, c := range []struct {
		name              string
		birth             string
		disability, minor bool
		want              string
	}{
		{"16 the day before the start", "2011-08-31", false, true, ""},
		{"16 the day after the start: too young", "2011-09-02", false, true, "civic.apply.too_young"},
		{"17, offer open to minors", "2010-06-01", false, true, ""},
		{"17, offer for adults only", "2010-06-01", false, false, "civic.apply.adults_only"},
		{"18 on the start day, adults only", "2009-09-01", false, false, ""},
		{"25 the day before 26", "2001-09-02", false, false, ""},
		{"26 on the start day, no disability", "2001-09-01", false, false, "civic.apply.too_old_unless_disability"},
		{"26 with a recognised disability", "2001-09-01", true, false, ""},
		{"30 with a recognised disability", "1996-09-02", true, false, ""},
		{"31 with a recognised disability", "1996-09-01", true, false, "civic.apply.too_old"},
		{"31 without", "1996-09-01", false, false, "civic.apply.too_old"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := civic.Eligibility(d8(c.birth), start, c.disability, c.minor); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// A contract lasts 6 to 12 months, 24 to 48 hours a week (35 for a minor at the
// start) over at most 6 days.
func TestContractTerms(t *testing.T) {
	adult, minor := d8("2000-01-01"), d8("2010-06-01")
	ok := civic.Terms{Start: d8("2027-01-01"), End: d8("2027-08-31"), WeeklyHours: 28, Days: 4, Birth: adult}
	for _, c := range []struct {
		name  string
		edit  func(*civic.Terms)
		field string
		key   string
	}{
		{"8 months, 28 h over 4 days", func(*civic.Terms) {}, "", ""},
		{"exactly 6 months", func(t *civic.Terms) { t.End = d8("2027-06-30") }, "", ""},
		{"a day short of 6 months", func(t *civic.Terms) { t.End = d8("2027-06-29") }, "ends_on", "civic.contract.too_short"},
		{"exactly 12 months", func(t *civic.Terms) { t.End = d8("2027-12-31") }, "", ""},
		{"a day over 12 months", func(t *civic.Terms) { t.End = d8("2028-01-01") }, "ends_on", "civic.contract.too_long"},
		{"23 hours", func(t *civic.Terms) { t.WeeklyHours = 23 }, "weekly_hours", "civic.contract.hours_range"},
		{"24 hours", func(t *civic.Terms) { t.WeeklyHours = 24 }, "", ""},
		{"48 hours", func(t *civic.Terms) { t.WeeklyHours = 48 }, "", ""},
		{"49 hours", func(t *civic.Terms) { t.WeeklyHours = 49 }, "weekly_hours", "civic.contract.hours_range"},
		{"a minor, 35 hours", func(t *civic.Terms) { t.Birth, t.WeeklyHours = minor, 35 }, "", ""},
		{"a minor, 36 hours", func(t *civic.Terms) { t.Birth, t.WeeklyHours = minor, 36 }, "weekly_hours", "civic.contract.hours_minor"},
		{"an adult, 36 hours", func(t *civic.Terms) { t.WeeklyHours = 36 }, "", ""},
		{"6 days", func(t *civic.Terms) { t.Days = 6 }, "", ""},
		{"7 days", func(t *civic.Terms) { t.Days = 7 }, "days_per_week", "civic.contract.days_range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			terms := ok
			c.edit(&terms)
			bad := terms.Check()
			if c.field == "" {
				if len(bad) != 0 {
					t.Fatalf("refused: %v", bad)
				}
				return
			}
			if bad[c.field] != c.key || len(bad) != 1 {
				t.Fatalf("got %v, want %s: %s", bad, c.field, c.key)
			}
		})
	}
}

// An 8-month contract from 15 January: theory module and future-plans interview
// within the first 3 months, a tutor meeting each month, PSC1, review and
// certificate by the last day.
func TestObligationsDueDates(t *testing.T) {
	got := civic.Schedule(d8("2027-01-15"), d8("2027-09-14"))
	count := map[string]int{}
	due := map[string]string{}
	for _, o := range got {
		count[o.Kind]++
		if _, seen := due[o.Kind]; !seen {
			due[o.Kind] = o.On.Format(time.DateOnly)
		}
	}
	want := map[string]string{"theory": "2027-04-14", "future_plans": "2027-04-14", "psc1": "2027-09-14",
		"tutor_meeting": "2027-02-14", "review": "2027-09-14", "certificate": "2027-09-14"}
	for k, v := range want {
		if due[k] != v {
			t.Errorf("%s due %s, want %s", k, due[k], v)
		}
	}
	if count["tutor_meeting"] != 8 {
		t.Errorf("%d tutor meetings, want 8 (one a month)", count["tutor_meeting"])
	}
	// 31 January + 1 month is the end of February, not 3 March.
	if got := civic.MissionEnd(d8("2027-01-31"), 6); got.Format(time.DateOnly) != "2027-07-30" {
		t.Errorf("6 months from 31 January end on %s", got.Format(time.DateOnly))
	}
}

// world is an approval, an offer in Lille and accepted applicants.
type world struct {
	f        *orgtest.Fixture
	approval *civic.Approval
	offer    *civic.Offer
}

func setup(t *testing.T, d *db.DB, posts int) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{f: orgtest.Setup(t, d)}
	w.approval = &civic.Approval{Number: "NA-059-27-00001-00", From: d8("2027-01-01"), To: d8("2029-12-31"), Posts: posts, Antennas: []int64{w.f.Lille}}
	if err := civic.SaveApproval(ctx, d, w.approval); err != nil {
		t.Fatal(err)
	}
	w.offer = &civic.Offer{AntennaID: w.f.Lille, Title: "Médiation numérique", Description: "Aider", Months: 8, Places: 2,
		Domain: "solidarity", Remote: "no", State: "published", Start: d8("2027-09-01")}
	if err := civic.SaveOffer(ctx, d, w.offer); err != nil {
		t.Fatal(err)
	}
	return w
}

// accepted stores an application and accepts it.
func (w *world) accepted(t *testing.T, d *db.DB, first string) *civic.Application {
	t.Helper()
	ctx := context.Background()
	a := &civic.Application{OfferID: w.offer.ID, AntennaID: w.f.Lille, FirstName: first, LastName: "Test", Phone: "+33612345678",
		Lang: "fr", Birth: d8("2005-03-04")}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := civic.Apply(ctx, tx, a, ""); err != nil {
			return err
		}
		if err := civic.Move(ctx, tx, a, "interview", "", time.Now().Add(time.Hour), "La Grappe", w.f.Adviser.ID); err != nil {
			return err
		}
		return civic.Move(ctx, tx, a, "accepted", "", time.Time{}, "", w.f.Adviser.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) contract(a *civic.Application, start, end string) *civic.Contract {
	return &civic.Contract{ApplicationID: a.ID, ApprovalID: w.approval.ID, OfferID: w.offer.ID, AntennaID: w.f.Lille,
		TutorID: w.f.Adviser.ID, Start: d8(start), End: d8(end), WeeklyHours: 28, Days: 4}
}

// The approval allows two contracts running at one time: a third over the same
// months is refused, one after the first two end is not; a contract outside the
// approval's dates or antenna is refused.
func TestApprovalQuota(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 2)
		by := w.f.Adviser.ID
		if err := civic.CreateContract(ctx, d, w.contract(w.accepted(t, d, "Ines"), "2027-09-01", "2028-04-30"), by); err != nil {
			t.Fatal(err)
		}
		if err := civic.CreateContract(ctx, d, w.contract(w.accepted(t, d, "Samir"), "2027-11-01", "2028-06-30"), by); err != nil {
			t.Fatal(err)
		}
		// Overlaps both during November–April.
		third := w.accepted(t, d, "Lea")
		if err := civic.CreateContract(ctx, d, w.contract(third, "2028-03-01", "2028-10-31"), by); !errors.Is(err, civic.ErrQuota) {
			t.Fatalf("a third contract while two run: %v, want ErrQuota", err)
		}
		// After the first ended, one post is free again.
		if err := civic.CreateContract(ctx, d, w.contract(third, "2028-05-01", "2028-12-31"), by); err != nil {
			t.Fatalf("a contract once a post is free: %v", err)
		}
		fourth := w.accepted(t, d, "Yonas")
		if err := civic.CreateContract(ctx, d, w.contract(fourth, "2029-08-01", "2030-03-31"), by); !errors.Is(err, civic.ErrApprovalPeriod) {
			t.Fatalf("a contract ending after the approval: %v, want ErrApprovalPeriod", err)
		}
		c := w.contract(fourth, "2029-01-01", "2029-08-31")
		c.AntennaID = w.f.Bordeaux
		if err := civic.CreateContract(ctx, d, c, by); !errors.Is(err, civic.ErrApprovalPeriod) {
			t.Fatalf("a contract in an antenna the approval does not cover: %v", err)
		}
		// A new application has no contract.
		newApp := &civic.Application{OfferID: w.offer.ID, AntennaID: w.f.Lille, FirstName: "N", LastName: "N", Phone: "+33612345678", Lang: "fr", Birth: d8("2005-03-04")}
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return civic.Apply(ctx, tx, newApp, "") }); err != nil {
			t.Fatal(err)
		}
		if err := civic.CreateContract(ctx, d, w.contract(newApp, "2029-01-01", "2029-08-31"), by); !errors.Is(err, civic.ErrNotAccepted) {
			t.Fatalf("a contract for an application not accepted: %v", err)
		}
		ap, err := civic.ApprovalByID(ctx, d, w.f.LilleScope, w.approval.ID, d8("2028-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		if ap.Used != 2 {
			t.Errorf("posts used on 1 April 2028: %d, want 2", ap.Used)
		}
	})
}

// The offer has two places: with posts left on the approval, a third contract
// over the same months is still refused, a replacement once one has ended is
// not; the public page stops showing the offer once its places are taken.
func TestOfferPlaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 5)
		by := w.f.Adviser.ID
		today := d8("2027-06-01")
		if list, err := civic.Published(ctx, d, today, 10, 0); err != nil || len(list) != 1 {
			t.Fatalf("published before any contract: %d, %v", len(list), err)
		}
		if err := civic.CreateContract(ctx, d, w.contract(w.accepted(t, d, "Ines"), "2027-09-01", "2028-04-30"), by); err != nil {
			t.Fatal(err)
		}
		if _, err := civic.PublishedByID(ctx, d, w.offer.ID, today); err != nil {
			t.Fatalf("one place of two taken, the offer is hidden: %v", err)
		}
		if err := civic.CreateContract(ctx, d, w.contract(w.accepted(t, d, "Samir"), "2027-09-01", "2028-04-30"), by); err != nil {
			t.Fatal(err)
		}
		third := w.accepted(t, d, "Lea")
		if err := civic.CreateContract(ctx, d, w.contract(third, "2027-10-01", "2028-05-31"), by); !errors.Is(err, civic.ErrPlaces) {
			t.Fatalf("a third contract on an offer of two places: %v, want ErrPlaces", err)
		}
		if list, err := civic.Published(ctx, d, today, 10, 0); err != nil || len(list) != 0 {
			t.Errorf("an offer with its places taken is still public: %d, %v", len(list), err)
		}
		if _, err := civic.PublishedByID(ctx, d, w.offer.ID, today); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("an offer with its places taken can still be read: %v", err)
		}
		if err := civic.CreateContract(ctx, d, w.contract(third, "2028-05-01", "2028-12-31"), by); err != nil {
			t.Fatalf("a replacement once the first contracts ended: %v", err)
		}
	})
}

// Two managers create the last contract at the same moment: one gets it, the
// other is told the posts are taken.
func TestLastPostUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 1)
		apps := []*civic.Application{w.accepted(t, d, "A"), w.accepted(t, d, "B")}
		for round := 0; round < 3; round++ {
			if round > 0 {
				d.ExecContext(ctx, "DELETE FROM civic_obligations")
				d.ExecContext(ctx, "DELETE FROM civic_contracts")
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i, a := range apps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = civic.CreateContract(ctx, d, w.contract(a, "2027-09-01", "2028-04-30"), w.f.Adviser.ID)
				}()
			}
			close(start)
			wg.Wait()
			ok, full := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, civic.ErrQuota):
					full++
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			var n int
			d.QueryRowContext(ctx, "SELECT COUNT(*) FROM civic_contracts").Scan(&n)
			if ok != 1 || full != 1 || n != 1 {
				t.Fatalf("round %d: %d created, %d refused, %d stored; want exactly one contract", round, ok, full, n)
			}
		}
	})
}

// Obligations come with the contract; late ones are counted for the staff of
// the antenna only; marking one done takes it off; another antenna's staff get
// not found for every record.
func TestObligationsAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 2)
		a := w.accepted(t, d, "Ines")
		c := w.contract(a, "2027-09-01", "2028-04-30")
		if err := civic.CreateContract(ctx, d, c, w.f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		list, err := civic.Obligations(ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 13 { // theory, future plans, PSC1, 8 tutor meetings, review, certificate
			t.Fatalf("%d obligations, want 13", len(list))
		}
		today := d8("2027-12-15")
		late, err := civic.LateCount(ctx, d, w.f.LilleScope, today, 100)
		if err != nil {
			t.Fatal(err)
		}
		// Late on 15 December: tutor meetings of 30 September, 31 October, 30 November; theory and
		// future plans due 30 November.
		if late != 5 {
			t.Errorf("late on 15 December: %d, want 5", late)
		}
		if n, _ := civic.LateCount(ctx, d, w.f.BordeauxScope, today, 100); n != 0 {
			t.Errorf("Bordeaux sees %d of Lille's late obligations", n)
		}
		// Coming due within 30 days (not late): the tutor meeting of 31 December.
		if n, err := civic.DueCount(ctx, d, w.f.LilleScope, today, 100); err != nil || n != 1 {
			t.Errorf("due within 30 days of 15 December: %d (%v), want 1", n, err)
		}
		if n, _ := civic.DueCount(ctx, d, w.f.BordeauxScope, today, 100); n != 0 {
			t.Errorf("Bordeaux sees %d of Lille's obligations coming due", n)
		}
		due, err := civic.DueSoon(ctx, d, w.f.LilleScope, today.AddDate(0, 0, 30), 50, 0)
		if err != nil || len(due) != 6 {
			t.Fatalf("due within 30 days: %d (%v), want 6", len(due), err)
		}
		if _, err := civic.MarkDone(ctx, d, w.f.BordeauxScope, due[0].ID, today, w.f.BordeauxAdviser.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("Bordeaux marks Lille's obligation: %v", err)
		}
		if _, err := civic.MarkDone(ctx, d, w.f.LilleScope, due[0].ID, today, w.f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := civic.LateCount(ctx, d, w.f.LilleScope, today, 100); n != 4 {
			t.Errorf("late after one is done: %d, want 4", n)
		}
		bdx := w.f.BordeauxScope
		if _, err := civic.OfferByID(ctx, d, bdx, w.offer.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("offer: %v", err)
		}
		if _, err := civic.ApplicationByID(ctx, d, bdx, a.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("application: %v", err)
		}
		if _, err := civic.ContractByID(ctx, d, bdx, c.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("contract: %v", err)
		}
		if _, err := civic.ApprovalByID(ctx, d, bdx, w.approval.ID, today); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("approval: %v", err)
		}
		if apps, err := civic.Applications(ctx, d, bdx, w.offer.ID, 50, 0); err != nil || len(apps) != 0 {
			t.Errorf("Bordeaux lists %d of Lille's applications (%v)", len(apps), err)
		}
		if _, err := civic.ContractByID(ctx, d, auth.Scope{All: true}, c.ID); err != nil {
			t.Errorf("the national admin cannot read the contract: %v", err)
		}
	})
}

// An application moves new → interview → accepted | declined | withdrawn only,
// each step logged with who did it.
func TestApplicationStates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 2)
		a := &civic.Application{OfferID: w.offer.ID, AntennaID: w.f.Lille, FirstName: "سارة", LastName: "علي", Email: "sara@example.org", Lang: "ar", Birth: d8("2004-01-01")}
		move := func(to, reason string) error {
			return d.Tx(ctx, func(tx *sql.Tx) error { return civic.Move(ctx, tx, a, to, reason, time.Time{}, "", w.f.Adviser.ID) })
		}
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return civic.Apply(ctx, tx, a, "") }); err != nil {
			t.Fatal(err)
		}
		if err := move("accepted", ""); !errors.Is(err, civic.ErrState) {
			t.Errorf("new → accepted without an interview: %v", err)
		}
		if err := move("interview", ""); err != nil {
			t.Fatal(err)
		}
		if err := move("declined", "did_not_come"); err != nil {
			t.Fatal(err)
		}
		if err := move("withdrawn", ""); !errors.Is(err, civic.ErrState) {
			t.Errorf("declined → withdrawn: %v", err)
		}
		got, err := civic.ApplicationByID(ctx, d, w.f.LilleScope, a.ID)
		if err != nil || got.State != "declined" || got.DeclineReason != "did_not_come" || got.FirstName != "سارة" {
			t.Fatalf("stored: %+v %v", got, err)
		}
		events, err := civic.Events(ctx, d, a.ID)
		if err != nil || len(events) != 2 || events[1].By != "Karim" || events[1].Reason != "did_not_come" {
			t.Fatalf("history: %+v %v", events, err)
		}
	})
}

// The indemnity is read from dated amounts: a new State share from a date
// changes the months after it, not those before.
func TestIndemnityFromDatedAmounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ind, err := civic.IndemnityOn(ctx, d, d8("2026-12-01"))
		if err != nil {
			t.Fatal(err)
		}
		if ind.State != 50498 || ind.Host != 11145 || ind.Total(false) != 61643 || ind.Total(true) != 61643+ind.Topup || ind.Topup == 0 {
			t.Fatalf("amounts: %+v", ind)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO civic_indemnity (part, from_on, cents, source) VALUES ('state', '2027-07-01', 51234, 'test')"); err != nil {
			t.Fatal(err)
		}
		before, _ := civic.IndemnityOn(ctx, d, d8("2027-06-30"))
		after, _ := civic.IndemnityOn(ctx, d, d8("2027-07-01"))
		if before.State != 50498 || after.State != 51234 || after.Host != 11145 {
			t.Fatalf("before %d, after %d", before.State, after.State)
		}
	})
}

// An application that led to no contract is deleted, with its history, two
// years after its last change; one with a contract, or recent, stays.
func TestApplicationsNotTakenAreForgotten(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 2)
		old, taken, recent := w.accepted(t, d, "Old"), w.accepted(t, d, "Taken"), w.accepted(t, d, "Recent")
		if err := civic.CreateContract(ctx, d, w.contract(taken, "2027-09-01", "2028-04-30"), w.f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		long := db.FormatTime(time.Now().Add(-civic.KeepApplications - time.Hour))
		if _, err := d.ExecContext(ctx, "UPDATE civic_applications SET updated_at = $1 WHERE id IN ($2, $3)", long, old.ID, taken.ID); err != nil {
			t.Fatal(err)
		}
		n, err := civic.Forget(ctx, d, time.Now().Add(-civic.KeepApplications))
		if err != nil || n != 1 {
			t.Fatalf("forgot %d (%v), want 1", n, err)
		}
		all := auth.Scope{All: true}
		if _, err := civic.ApplicationByID(ctx, d, all, old.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("the old application is still there: %v", err)
		}
		for _, a := range []*civic.Application{taken, recent} {
			if _, err := civic.ApplicationByID(ctx, d, all, a.ID); err != nil {
				t.Errorf("%s was deleted: %v", a.FirstName, err)
			}
		}
		var events int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM civic_application_events WHERE application_id = $1", old.ID).Scan(&events)
		if events != 0 {
			t.Errorf("%d history lines left", events)
		}
	})
}

// A civic volunteer is one of the antenna's volunteers from their contract on
// (shifts, hours): a new active volunteer, or the one who had already signed up
// with the same phone, made active.
func TestContractMakesAVolunteer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 2)
		by := w.f.Adviser.ID
		ines := w.accepted(t, d, "Ines")
		c := w.contract(ines, "2027-09-01", "2028-04-30")
		if err := civic.CreateContract(ctx, d, c, by); err != nil {
			t.Fatal(err)
		}
		v, err := volunteers.Get(ctx, d, c.VolunteerID)
		if err != nil {
			t.Fatalf("no volunteer for the contract: %v", err)
		}
		if v.State != "active" || v.FirstName != "Ines" || v.Phone != "+33612345678" || v.AntennaID != w.f.Lille {
			t.Errorf("the contract's volunteer: %+v", v)
		}
		// Samir had signed up as a volunteer and waits: his contract validates him.
		var samirID int64
		if err := d.QueryRowContext(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, state, created_at)
			VALUES ($1, 'Samir', 'Test', '+33698989898', 'pending', $2) RETURNING id`, w.f.Lille, db.Now()).Scan(&samirID); err != nil {
			t.Fatal(err)
		}
		samir := w.accepted(t, d, "Samir")
		if _, err := d.Exec(ctx, "UPDATE civic_applications SET phone = '+33698989898' WHERE id = $1", samir.ID); err != nil {
			t.Fatal(err)
		}
		c2 := w.contract(samir, "2027-11-01", "2028-06-30")
		if err := civic.CreateContract(ctx, d, c2, by); err != nil {
			t.Fatal(err)
		}
		if c2.VolunteerID != samirID {
			t.Errorf("Samir's contract made volunteer %d, want his own %d", c2.VolunteerID, samirID)
		}
		if v, _ := volunteers.Get(ctx, d, samirID); v == nil || v.State != "active" {
			t.Errorf("Samir is not active once under contract: %+v", v)
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers WHERE antenna_id = $1", w.f.Lille).Scan(&n)
		if n != 2 {
			t.Errorf("%d volunteers in Lille, want 2", n)
		}
	})
}
