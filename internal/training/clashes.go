package training

// Overlaps: the meetings standing when another is planned, of the same cohort
// (refused), in the same place or with the same adviser (to confirm).

import (
	"context"
	"fmt"
	"slices"
	"time"

	"tremplin/internal/platform/db"
)

// Clash is a meeting standing at the same time as one being planned: of the same
// cohort (refused), in the same place or with the same adviser (a warning the
// manager may confirm).
type Clash struct {
	Kind      string // cohort, place, adviser
	Slot      Slot   // the meeting being planned
	MeetingID int64
	CohortID  int64
	Title     string
	Start     time.Time
	End       time.Time
	What      string // the place's or the adviser's name
}

// Plan is what a meeting being planned would use: its cohort, its place and its
// advisers (the meeting's own, or the cohort's).
type Plan struct {
	Cohort   *Cohort
	Except   int64 // the meeting being edited
	PlaceID  int64
	Advisers []int64
}

// maxMeetingLength bounds how long before a slot another meeting may start and
// still overlap it: meetings start and end on the same day.
const maxMeetingLength = 24 * time.Hour

// Clashes lists the meetings that overlap the slots (a meeting ending when another
// starts does not): those of the same cohort, or in the plan's place, or taught by
// one of its advisers. Cancelled meetings and cohorts do not count; a slot starting
// exactly when a meeting of its cohort starts is not a clash (adding it is skipped).
// One read of the meetings_starts index over the slots' span, narrowed to the
// antenna's cohorts and the advisers' meetings.
func Clashes(ctx context.Context, d *db.DB, p Plan, slots []Slot) ([]Clash, error) {
	if len(slots) == 0 {
		return nil, nil
	}
	first, last := slots[0].Start, slots[0].End
	for _, s := range slots {
		first, last = minTime(first, s.Start), maxTime(last, s.End)
	}
	advisers := p.Advisers
	if len(advisers) == 0 {
		advisers = []int64{0}
	}
	args := db.Args{db.FormatTime(first.Add(-maxMeetingLength)), db.FormatTime(last), p.Except, p.Cohort.AntennaID}
	in := db.InList(&args, advisers)
	rows, err := d.QueryContext(ctx, `SELECT m.id, m.cohort_id, m.starts_at, m.ends_at, p.title, COALESCE(m.place_id, c.place_id), pl.name,
			COALESCE(m.staff_id, ca.staff_id, 0), COALESCE(s.name, '')
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		LEFT JOIN cohort_advisers ca ON m.staff_id IS NULL AND ca.cohort_id = c.id
		LEFT JOIN staff s ON s.id = COALESCE(m.staff_id, ca.staff_id)
		WHERE m.starts_at > $1 AND m.starts_at < $2 AND m.id <> $3 AND m.cancelled_at = '' AND c.state <> 'cancelled'
			AND (c.antenna_id = $4 OR m.staff_id IN (`+in+`) OR c.id IN (SELECT cohort_id FROM cohort_advisers WHERE staff_id IN (`+in+`)))
		ORDER BY m.starts_at, m.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	loc := p.Cohort.Loc()
	var out []Clash
	seen := map[string]bool{}
	for rows.Next() {
		var c Clash
		var s, e, placeName, staffName string
		var placeID, staffID int64
		if err := rows.Scan(&c.MeetingID, &c.CohortID, &s, &e, &c.Title, &placeID, &placeName, &staffID, &staffName); err != nil {
			return nil, err
		}
		c.Start, c.End = db.ParseTime(s).In(loc), db.ParseTime(e).In(loc)
		for _, slot := range slots {
			if !c.Start.Before(slot.End) || !slot.Start.Before(c.End) {
				continue
			}
			k := c
			k.Slot = slot
			switch {
			case c.CohortID == p.Cohort.ID:
				if c.Start.Equal(slot.Start) {
					continue
				}
				k.Kind = "cohort"
			case placeID == p.PlaceID:
				k.Kind, k.What = "place", placeName
			case staffID != 0 && slices.Contains(p.Advisers, staffID):
				k.Kind, k.What = "adviser", staffName
			default:
				continue
			}
			key := fmt.Sprint(k.Kind, k.MeetingID, k.What, k.Slot.Start.Unix())
			if !seen[key] {
				seen[key] = true
				out = append(out, k)
			}
		}
	}
	return out, rows.Err()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// cohortPlan is a new meeting of c in its own place, with its advisers.
func cohortPlan(c *Cohort) Plan { return Plan{Cohort: c, PlaceID: c.PlaceID, Advisers: c.Advisers} }

// splitClashes separates the clashes within the cohort (refused) from the others
// (to confirm).
func splitClashes(all []Clash) (cohort, others []Clash) {
	for _, c := range all {
		if c.Kind == "cohort" {
			cohort = append(cohort, c)
		} else {
			others = append(others, c)
		}
	}
	return
}
