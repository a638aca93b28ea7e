// Package trainingtest builds the test data that the tests of training and of
// the packages built on it share: an antenna with a place, a manager and a
// programme, then cohorts, learners and meetings.
package trainingtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// Monday is a Monday in the past: roll calls are taken once a meeting has started.
var Monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// Fixture is an antenna with a place, a manager, and a programme.
type Fixture struct {
	T         testing.TB
	DB        *db.DB
	Ctx       context.Context
	Antenna   *org.Antenna
	Place     *org.Place
	Staff     *auth.Staff
	Programme *training.Programme
	learners  int
}

// New makes the antenna antennaName (in France, in the zone tz), its place, its
// manager and a programme of its own name.
func New(t testing.TB, d *db.DB, antennaName, tz string) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{T: t, DB: d, Ctx: ctx}
	f.Antenna = &org.Antenna{Name: antennaName, City: antennaName, Country: "FR", Timezone: tz}
	if err := org.SaveAntenna(ctx, d, f.Antenna); err != nil {
		t.Fatal(err)
	}
	f.Place = &org.Place{AntennaID: f.Antenna.ID, Name: "Salle " + antennaName, Address: "1 rue de la Gare", Postcode: "59000", City: antennaName}
	if err := org.SavePlace(ctx, d, f.Place); err != nil {
		t.Fatal(err)
	}
	f.Staff = &auth.Staff{Name: "Responsable " + antennaName, Email: "resp@" + antennaName + ".example", Role: auth.Manager, Lang: "fr", Active: true, Antennas: []int64{f.Antenna.ID}}
	if err := auth.Save(ctx, d, f.Staff); err != nil {
		t.Fatal(err)
	}
	f.Programme = &training.Programme{Title: "Premiers pas " + antennaName, Level: "debutant", TotalHours: 40}
	if err := training.SaveProgramme(ctx, d, f.Programme); err != nil {
		t.Fatal(err)
	}
	return f
}

// Cohort creates an open cohort from start for four weeks.
func (f *Fixture) Cohort(capacity int, start time.Time) *training.Cohort {
	f.T.Helper()
	c := &training.Cohort{ProgrammeID: f.Programme.ID, AntennaID: f.Antenna.ID, PlaceID: f.Place.ID, Capacity: capacity,
		StartsOn: start, EndsOn: start.AddDate(0, 0, 28), Timezone: f.Antenna.Timezone, Advisers: []int64{f.Staff.ID}}
	if _, err := training.SaveCohort(f.Ctx, f.DB, c, f.Staff.ID); err != nil {
		f.T.Fatal(err)
	}
	if err := training.SetCohortState(f.Ctx, f.DB, c.ID, "open"); err != nil {
		f.T.Fatal(err)
	}
	return c
}

// Learner adds a person (the learners package's table, written here only as test data).
func (f *Fixture) Learner(first string) int64 {
	f.T.Helper()
	f.learners++
	now := db.Now()
	id, err := f.DB.InsertID(f.Ctx, `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, consent_text, consent_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 1990, 'test', $5, $5, $5) RETURNING id`, f.Antenna.ID, first, "Martin", fmt.Sprintf("+3360000%04d", f.learners), now)
	if err != nil {
		f.T.Fatal(err)
	}
	return id
}

// Load reads a cohort again.
func (f *Fixture) Load(id int64) *training.Cohort {
	f.T.Helper()
	c, err := training.CohortByID(f.Ctx, f.DB, auth.Scope{All: true}, id)
	if err != nil {
		f.T.Fatal(err)
	}
	return c
}

// State is the state of a learner's enrolment in a cohort, "" when there is none.
func (f *Fixture) State(cohortID, learnerID int64) string {
	f.T.Helper()
	var s string
	if err := f.DB.QueryRowContext(f.Ctx, "SELECT state FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", cohortID, learnerID).Scan(&s); err != nil && !errors.Is(err, sql.ErrNoRows) {
		f.T.Fatal(err)
	}
	return s
}

// Meetings adds meetings of the given lengths (hours) on consecutive days at 9:00.
func (f *Fixture) Meetings(c *training.Cohort, hours ...float64) []training.Meeting {
	f.T.Helper()
	loc := training.Location(f.Antenna.Timezone)
	var slots []training.Slot
	for i, h := range hours {
		s := time.Date(c.StartsOn.Year(), c.StartsOn.Month(), c.StartsOn.Day()+i, 9, 0, 0, 0, loc)
		slots = append(slots, training.Slot{Start: s, End: s.Add(time.Duration(h * float64(time.Hour)))})
	}
	if _, err := training.AddMeetings(f.Ctx, f.DB, c.ID, slots); err != nil {
		f.T.Fatal(err)
	}
	ms, err := training.Meetings(f.Ctx, f.DB, c.ID, loc)
	if err != nil {
		f.T.Fatal(err)
	}
	return ms
}

// Around makes a cohort running from two weeks ago to two weeks ahead, with one
// meeting of two hours starting at each of the given offsets from now.
func (f *Fixture) Around(offsets ...time.Duration) (*training.Cohort, []training.Meeting) {
	f.T.Helper()
	now := time.Now().UTC()
	c := f.Cohort(40, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -14))
	var slots []training.Slot
	for _, o := range offsets {
		s := now.Add(o).Truncate(time.Minute)
		slots = append(slots, training.Slot{Start: s, End: s.Add(2 * time.Hour)})
	}
	if _, err := training.AddMeetings(f.Ctx, f.DB, c.ID, slots); err != nil {
		f.T.Fatal(err)
	}
	ms, err := training.Meetings(f.Ctx, f.DB, c.ID, c.Loc())
	if err != nil {
		f.T.Fatal(err)
	}
	return c, ms
}

// Marks counts the attendance marks of a meeting.
func (f *Fixture) Marks(meetingID int64) int {
	f.T.Helper()
	var n int
	if err := f.DB.QueryRowContext(f.Ctx, "SELECT COUNT(*) FROM attendance WHERE meeting_id = $1", meetingID).Scan(&n); err != nil {
		f.T.Fatal(err)
	}
	return n
}
