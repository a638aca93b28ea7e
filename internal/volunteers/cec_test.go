package volunteers_test

import (
	"errors"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// hoursIn2025 stores approved hours of v on a mission in 2025, a 10-hour day
// at a time from 1 March.
func (f *fixture) hoursIn2025(v *volunteers.Volunteer, m *volunteers.Mission, hours int, state string) {
	f.t.Helper()
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for hours > 0 {
		n := min(hours, 10)
		f.given(v, m, day.Format(time.DateOnly), n*60, state)
		hours -= n
		day = day.AddDate(0, 0, 1)
	}
}

// civic gives v a civic-service contract from start to end.
func (f *fixture) civic(v *volunteers.Volunteer, start, end string) {
	f.t.Helper()
	now := db.Now()
	approval, err := f.d.InsertID(f.ctx, `INSERT INTO civic_approvals (number, valid_from, valid_to, posts, created_at, updated_at)
		VALUES ('NA-059-24-00012-00', '2024-01-01', '2027-12-31', 4, $1, $1) RETURNING id`, now)
	if err != nil {
		f.t.Fatal(err)
	}
	offer, err := f.d.InsertID(f.ctx, `INSERT INTO civic_offers (antenna_id, title, months, starts_on, places, domain, created_at, updated_at)
		VALUES ($1, 'Médiation numérique', 8, $2, 2, 'solidarity', $3, $3) RETURNING id`, v.AntennaID, start, now)
	if err != nil {
		f.t.Fatal(err)
	}
	app, err := f.d.InsertID(f.ctx, `INSERT INTO civic_applications (offer_id, antenna_id, first_name, last_name, phone, birth_date, state, created_at, updated_at)
		VALUES ($1, $2, $3, 'Test', $4, '2004-05-01', 'accepted', $5, $5) RETURNING id`, offer, v.AntennaID, v.FirstName, v.Phone, now)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.d.Exec(f.ctx, `INSERT INTO civic_contracts (application_id, volunteer_id, approval_id, offer_id, antenna_id, tutor_id,
		starts_on, ends_on, weekly_hours, days_per_week, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 24, 4, $9)`,
		app, v.ID, approval, offer, v.AntennaID, f.org.Adviser.ID, start, end, now); err != nil {
		f.t.Fatal(err)
	}
}

func names(list []*volunteers.CECEntry) map[string]*volunteers.CECEntry {
	out := map[string]*volunteers.CECEntry{}
	for _, e := range list {
		out[e.Name] = e
	}
	return out
}

// The list of the Compte d'engagement citoyen holds the volunteers with at
// least 100 approved hours in the year on leading missions here, and those
// whose civic service of at least 6 months ended in the year; staff of another
// antenna see none of them.
func TestCECThresholds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lead := f.mission(f.org.Lille, "Coordination des ateliers", false)
		lead.Leading = true
		if err := volunteers.SaveMission(f.ctx, d, f.org.LilleScope, lead); err != nil {
			t.Fatal(err)
		}
		help := f.mission(f.org.Lille, "Aide en atelier", false)
		ana, ben, cyd, dan := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben"), f.volunteer(f.org.Lille, "Cyd"), f.volunteer(f.org.Lille, "Dan")
		eve, fay := f.volunteer(f.org.Lille, "Eve"), f.volunteer(f.org.Lille, "Fay")
		f.hoursIn2025(ana, lead, 100, volunteers.HoursApproved)
		f.hoursIn2025(ben, lead, 99, volunteers.HoursApproved)
		f.hoursIn2025(ben, help, 150, volunteers.HoursApproved) // not leading
		f.hoursIn2025(cyd, lead, 90, volunteers.HoursApproved)
		f.hoursIn2025(cyd, lead, 20, volunteers.HoursPending) // not approved
		f.hoursIn2025(dan, lead, 210, volunteers.HoursApproved)
		f.given(dan, lead, "2026-01-02", 600, volunteers.HoursApproved) // another year
		f.civic(eve, "2025-03-01", "2025-10-31")                        // 8 months
		f.civic(fay, "2025-06-01", "2025-10-31")                        // 5 months

		list, _, err := volunteers.CEC(f.ctx, d, f.org.LilleScope, 2025, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := names(list)
		if len(got) != 3 || got["Ana Test"] == nil || got["Dan Test"] == nil || got["Eve Test"] == nil {
			t.Fatalf("2025's list %v, want Ana (100 h leading), Dan (210 h) and Eve (8 months of civic service)", got)
		}
		if a := got["Ana Test"]; a.LeadingMinutes != 100*60 || !a.Leading || a.HereAll {
			t.Errorf("Ana %+v: 100 h here, not the 200 h of all associations", a)
		}
		if d := got["Dan Test"]; d.LeadingMinutes != 210*60 || !d.HereAll {
			t.Errorf("Dan %+v: 210 h here, all the year's total", d)
		}
		if e := got["Eve Test"]; !e.Civic || e.Leading {
			t.Errorf("Eve %+v: civic service", e)
		}
		if other, _, _ := volunteers.CEC(f.ctx, d, f.org.BordeauxScope, 2025, 0); len(other) != 0 {
			t.Errorf("Bordeaux's staff see Lille's volunteers: %v", names(other))
		}
		// A dated change of the law applies to the years from its date.
		if _, err := d.Exec(f.ctx, `INSERT INTO volunteer_cec_rules (valid_from, total_hours, here_hours, civic_months, declare_by, confirm_by, created_at)
			VALUES ('2025-01-01', 200, 99, 6, '06-30', '12-31', $1)`, db.Now()); err != nil {
			t.Fatal(err)
		}
		list, _, _ = volunteers.CEC(f.ctx, d, f.org.LilleScope, 2025, 0)
		if got := names(list); len(got) != 4 || got["Ben Test"] == nil {
			t.Errorf("with 99 h from 2025: %v, want Ben too", got)
		}
		if rule, _ := volunteers.CECRuleFor(f.ctx, d, 2024); rule.HereHours != 100 {
			t.Errorf("2024's rule %+v, want the 100 h in force then", rule)
		}
	})
}

// The association confirms a volunteer's year once, from 1 January of the
// next year to 31 December of it, the declared total at least 200 h and the
// hours here; after the deadline it is refused.
func TestCECConfirmationAndDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lead := &volunteers.Mission{AntennaID: f.org.Lille, Title: "Coordination", Leading: true, Active: true}
		if err := volunteers.SaveMission(f.ctx, d, f.org.LilleScope, lead); err != nil {
			t.Fatal(err)
		}
		ana, ben, eve := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben"), f.volunteer(f.org.Lille, "Eve")
		f.hoursIn2025(ana, lead, 120, volunteers.HoursApproved)
		f.hoursIn2025(ben, lead, 40, volunteers.HoursApproved)
		f.civic(eve, "2025-03-01", "2025-10-31")
		paris := f.loc
		during := time.Date(2025, 12, 31, 12, 0, 0, 0, paris)
		open := time.Date(2026, 6, 1, 12, 0, 0, 0, paris)
		last := time.Date(2026, 12, 31, 23, 30, 0, 0, paris)
		late := time.Date(2027, 1, 1, 0, 30, 0, 0, paris)
		adviser := f.org.Adviser.ID
		for _, c := range []struct {
			who   *volunteers.Volunteer
			total int
			when  time.Time
			want  error
		}{
			{ana, 250, during, volunteers.ErrYearNotOver},
			{ana, 150, open, volunteers.ErrTotalLow},     // below 200 h in all
			{ana, 250, late, volunteers.ErrPastDeadline}, // 1 January 2027 in Paris
			{ben, 250, open, volunteers.ErrBelow},        // 40 h here
			{ana, 250, last, nil},                        // 31 December 2026, 23:30 in Paris
			{ana, 250, last, volunteers.ErrConfirmed},
			{eve, 0, open, nil}, // civic service
		} {
			err := volunteers.ConfirmCEC(f.ctx, d, f.org.LilleScope, c.who.ID, 2025, c.total, adviser, c.when)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("%s, %d h on %s: %v, want %v", c.who.FirstName, c.total, c.when, err, c.want)
			}
		}
		if err := volunteers.ConfirmCEC(f.ctx, d, f.org.BordeauxScope, ben.ID, 2025, 250, f.org.BordeauxAdviser.ID, open); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("Bordeaux confirms a Lille volunteer: %v, want not found", err)
		}
		list, _, _ := volunteers.CEC(f.ctx, d, f.org.LilleScope, 2025, 0)
		a := names(list)["Ana Test"]
		if a == nil || !a.Confirmed || a.ConfirmedBy != "Karim" || a.TotalHours != 250 || a.ConfirmedAt.Format(time.DateOnly) != "2026-12-31" {
			t.Errorf("Ana's confirmation %+v", a)
		}
		if rule, _ := volunteers.CECRuleFor(f.ctx, d, 2025); rule.Deadline(2025).Format(time.DateOnly) != "2026-12-31" ||
			rule.DeclareDeadline(2025).Format(time.DateOnly) != "2026-06-30" {
			t.Errorf("deadlines of 2025: %v, %v", rule.Deadline(2025), rule.DeclareDeadline(2025))
		}
	})
}
