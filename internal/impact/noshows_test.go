package impact

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"tremplin/internal/appointments"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// liveNoShows counts the no-shows from the appointments and their messages, as
// the dashboard did before the counters: what the counters must give.
func liveNoShows(t *testing.T, d *db.DB, f Filter, now time.Time) *NoShows {
	t.Helper()
	args := db.Args{db.FormatTime(f.From), db.FormatTime(f.To.AddDate(0, 0, 1)), db.FormatTime(now)}
	where := ""
	if f.Antennas != nil {
		where = " AND a.antenna_id IN (" + db.InList(&args, f.Antennas) + ")"
	}
	groups := map[string]*NoShowGroup{}
	ns := &NoShows{ByAntenna: []NoShowGroup{}, ByAdviser: []NoShowGroup{}, ByKind: []NoShowGroup{}, All: NoShowGroup{Key: "impact.noshow.all"}}
	err := db.Each(d.QueryContext(context.Background(), `SELECT n.name, s.name, a.kind, a.outcome,
			CASE WHEN EXISTS (SELECT 1 FROM messages m WHERE m.ref_kind = 'appointment' AND m.ref_id = a.id
				AND m.kind = 'appointment_reminder' AND m.state IN ('sent', 'delivered')) THEN 1 ELSE 0 END, COUNT(*)
		FROM appointments a JOIN antennas n ON n.id = a.antenna_id JOIN staff s ON s.id = a.staff_id
		WHERE a.outcome <> '' AND a.starts_at >= $1 AND a.starts_at < $2 AND a.starts_at <= $3`+where+`
		GROUP BY n.name, s.name, a.kind, a.outcome, 5`, args...))(func(row db.Scanner) error {
		var antenna, adviser, kind, outcome string
		var reminded int
		var n int64
		if err := row.Scan(&antenna, &adviser, &kind, &outcome, &reminded, &n); err != nil {
			return err
		}
		for _, k := range []string{"a" + antenna, "s" + adviser, "k" + kind, ""} {
			g := &ns.All
			if k != "" {
				if groups[k] == nil {
					groups[k] = &NoShowGroup{}
					switch k[0] {
					case 'a', 's':
						groups[k].Name = k[1:]
					default:
						groups[k].Key = "appointment.kind." + k[1:]
					}
				}
				g = groups[k]
			}
			if reminded == 1 {
				g.Reminded[outcomeIndex[outcome]] += n
			} else {
				g.Not[outcomeIndex[outcome]] += n
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := groups[keys[i]], groups[keys[j]]
		return a.Name+a.Key < b.Name+b.Key
	})
	for _, k := range keys {
		switch k[0] {
		case 'a':
			ns.ByAntenna = append(ns.ByAntenna, *groups[k])
		case 's':
			ns.ByAdviser = append(ns.ByAdviser, *groups[k])
		default:
			ns.ByKind = append(ns.ByKind, *groups[k])
		}
	}
	return ns
}

func at(s string) time.Time { return db.ParseTime(s) }

// The no-show figures read from counters follow every change to appointments
// (an outcome recorded or corrected, an appointment moved to another day or
// cancelled, a reminder sent) and count an appointment the person said they
// could not come to only once it has begun; they are what the appointments
// themselves say, for any period and antenna, and what a full build gives.
func TestNoShowsFollowChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.insert("S2", `INSERT INTO staff (name, email, role, created_at, updated_at) VALUES ('Karim', 'k@example.org', 'adviser', $1, $1)`, old)
		appt := func(name, antenna, learner, staff, kind, starts string) {
			f.insert(name, `INSERT INTO appointments (antenna_id, learner_id, staff_id, kind, mode, starts_at, ends_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, 'phone', $5, $5, $6, $6)`, f.ids[antenna], f.ids[learner], f.ids[staff], kind, starts, old)
		}
		appt("P1", "A", "L1", "staff", "first_contact", "2025-03-03T09:00:00Z")
		appt("P2", "A", "L2", "S2", "follow_up", "2025-03-03T10:00:00Z")
		appt("P3", "B", "L5", "staff", "positioning", "2025-03-20T09:00:00Z")
		appt("P4", "A", "L3", "staff", "follow_up", "2025-04-01T09:00:00Z")
		appt("P5", "A", "L1", "S2", "other", "2025-03-31T23:30:00Z")
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		filters := []Filter{year, {From: day("2025-03-15"), To: day("2025-04-01")},
			{From: day("2025-01-01"), To: day("2025-12-31"), Antennas: []int64{f.ids["A"]}},
			{From: day("2025-03-03"), To: day("2025-03-03"), Antennas: []int64{f.ids["B"]}}}
		same := func(what string, now time.Time) *NoShows {
			t.Helper()
			var first *NoShows
			for _, fl := range filters {
				got, err := computeNoShows(ctx, d, fl, now)
				if err != nil {
					t.Fatal(err)
				}
				if want := liveNoShows(t, d, fl, now); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %v to %v %v, at %v:\ncounters %+v\nlive     %+v", what, fl.From, fl.To, fl.Antennas, now, got, want)
				}
				if first == nil {
					first = got
				}
			}
			// Time passes: the next refresh sees only the changes made after this one.
			f.exec("UPDATE appointments SET updated_at = $1", old)
			f.exec("UPDATE messages SET updated_at = $1", old)
			return first
		}
		later := at("2025-07-01T00:00:00Z")
		if ns := same("no outcome yet", later); ns.All.total() != 0 {
			t.Errorf("counted appointments without an outcome: %+v", ns.All)
		}
		for id, o := range map[string]string{"P1": "came", "P2": "no_show", "P3": "no_show", "P5": "came"} {
			if err := appointments.SetOutcome(ctx, d, f.ids[id], o); err != nil {
				t.Fatal(err)
			}
		}
		if ns := same("outcomes recorded", later); ns.All.total() != 4 || ns.All.Rate() != (Rate{2, 4}) {
			t.Errorf("after the outcomes: %+v, want 2 no-shows of 4", ns.All)
		}
		// P2 came after all; P3's reminder had reached the provider.
		if err := appointments.SetOutcome(ctx, d, f.ids["P2"], "came"); err != nil {
			t.Fatal(err)
		}
		f.exec(`INSERT INTO messages (antenna_id, learner_id, channel, kind, recipient, body, send_at, ref_kind, ref_id, state, created_at, updated_at)
			VALUES ($1, $2, 'sms', 'appointment_reminder', '+33600000000', 'Rappel', $3, 'appointment', $4, 'queued', $3, $3)`,
			f.ids["B"], f.ids["L5"], db.Now(), f.ids["P3"])
		if ns := same("reminder queued", later); ns.All.RateReminded().Den != 0 {
			t.Errorf("a queued reminder counts as sent: %+v", ns.All)
		}
		f.exec(`UPDATE messages SET state = 'sent', sent_at = $1, updated_at = $1 WHERE ref_id = $2 AND kind = 'appointment_reminder'`, db.Now(), f.ids["P3"])
		if ns := same("reminder sent", later); ns.All.RateReminded() != (Rate{1, 1}) || ns.All.RateNot() != (Rate{0, 3}) {
			t.Errorf("after the reminder: reminded %+v, not %+v; want 1/1 and 0/3", ns.All.RateReminded(), ns.All.RateNot())
		}
		// L3 says they cannot come to P4, still ahead (as appointments.Handlers.CannotCome does).
		f.exec(`UPDATE appointments SET state = 'cancelled', cancelled_by = 'person', updated_at = $1 WHERE id = $2`, db.Now(), f.ids["P4"])
		f.exec(`UPDATE appointments SET outcome = 'excused', updated_at = $1 WHERE id = $2`, db.Now(), f.ids["P4"])
		for _, c := range []struct {
			now  string
			want int64
		}{{"2025-03-31T12:00:00Z", 0}, {"2025-04-01T08:59:00Z", 0}, {"2025-04-01T09:00:00Z", 1}, {"2025-04-02T00:00:00Z", 1}, {"2025-07-01T00:00:00Z", 1}} {
			ns := same("excused ahead", at(c.now))
			var excused int64
			for _, g := range ns.ByKind {
				if g.Key == "appointment.kind.follow_up" {
					excused = g.Not[1]
				}
			}
			if excused != c.want {
				t.Errorf("at %s: %d follow-up excused, want %d", c.now, excused, c.want)
			}
		}
		// P1 is moved to May (its March day loses it), P5 is cancelled by staff.
		f.exec(`UPDATE appointments SET starts_at = '2025-05-05T09:00:00Z', ends_at = '2025-05-05T09:30:00Z', updated_at = $1 WHERE id = $2`,
			db.Now(), f.ids["P1"])
		f.exec(`UPDATE appointments SET state = 'cancelled', cancelled_by = 'staff', updated_at = $1 WHERE id = $2`, db.Now(), f.ids["P5"])
		same("moved and cancelled", later)
		if ns := same("March", at("2025-04-15T00:00:00Z")); len(ns.ByAdviser) == 0 {
			t.Error("nobody in the period")
		}
		// What was kept up to date equals a full build.
		kept := dumpNoShows(t, d)
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dumpNoShows(t, d); rebuilt != kept {
			t.Errorf("no-show counters kept up to date differ from a rebuild:\nkept    %s\nrebuilt %s", kept, rebuilt)
		}
		same("after a rebuild", later)
	})
}

func dumpNoShows(t *testing.T, d *db.DB) string {
	t.Helper()
	out := ""
	for _, q := range []string{
		"SELECT 'a', appointment_id, antenna_id, day, staff_id, kind, outcome, reminded FROM impact_appointments ORDER BY appointment_id",
		"SELECT 'd', n, antenna_id, day, staff_id, kind, outcome, reminded FROM impact_noshow_days ORDER BY day, antenna_id, staff_id, kind, outcome, reminded",
		"SELECT 'm', n, antenna_id, month, staff_id, kind, outcome, reminded FROM impact_noshow_months ORDER BY month, antenna_id, staff_id, kind, outcome, reminded",
	} {
		err := db.Each(d.QueryContext(context.Background(), q))(func(row db.Scanner) error {
			var table, k, kind, outcome string
			var n, antenna, staff, reminded int64
			if err := row.Scan(&table, &n, &antenna, &k, &staff, &kind, &outcome, &reminded); err != nil {
				return err
			}
			out += fmt.Sprintln(table, n, antenna, k, staff, kind, outcome, reminded)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}
