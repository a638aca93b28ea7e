package training

// The functions other rooms call. Signatures agreed between rooms; the bodies are
// written with the rest of this room.

import (
	"context"
	"errors"
	"time"

	"tremplin/internal/platform/db"
)

// Levels of the basic digital courses, as the national advisers' tool names them;
// certifying programmes (about 600 hours) have the level "certifiant".
var Levels = []string{"debutant", "intermediaire", "avance", "certifiant"}

// Programme is a course the association offers (national, taught in cohorts by antennas).
type Programme struct {
	ID          int64
	Title       string
	Level       string
	Description string
	TotalHours  int
	Certifying  bool
}

// CohortSummary is what another room needs to show or choose a cohort.
type CohortSummary struct {
	ID             int64
	ProgrammeID    int64
	ProgrammeTitle string
	Level          string
	AntennaID      int64
	PlaceName      string
	StartsOn       time.Time
	EndsOn         time.Time
	State          string // draft, open, full, running, finished, cancelled
	Capacity       int
	SeatsLeft      int
}

// EnrolmentView is one enrolment of a learner, for the learner file.
type EnrolmentView struct {
	CohortID       int64
	ProgrammeTitle string
	StartsOn       time.Time
	EndsOn         time.Time
	State          string // enrolled, waitlisted, offered, withdrawn
	Since          time.Time
	HoursAttended  float64
	HoursPlanned   float64
	Marks          []Mark
}

// Mark is one attendance mark of a learner at a meeting.
type Mark struct {
	MeetingStart time.Time
	Mark         string // present, absent, excused, late
}

// ErrCohortFull is returned by Enrol when no seat is left; the caller may Waitlist.
var ErrCohortFull = errors.New("cohort is full")

// ErrCohortClosed is returned by Enrol and Waitlist for a cohort that does not take
// enrolments (draft, finished, cancelled) or does not exist.
var ErrCohortClosed = errors.New("cohort does not take enrolments")

var errNotYet = errors.New("training: not implemented yet")

// Programmes lists every programme, by level then title.
func Programmes(ctx context.Context, d *db.DB) ([]Programme, error) { return nil, errNotYet }

// OpenCohorts lists the cohorts of an antenna that take enrolments (open, full or
// running), soonest first.
func OpenCohorts(ctx context.Context, d *db.DB, antennaID int64) ([]CohortSummary, error) {
	return nil, errNotYet
}

// Enrol takes a seat for the learner in the cohort, within capacity even when two
// staff take the last seat at once (one gets ErrCohortFull). Enrolling someone
// already enrolled or offered a seat is not an error. It returns "enrolled".
func Enrol(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64) (string, error) {
	return "", errNotYet
}

// Waitlist puts the learner at the end of the cohort's waitlist.
func Waitlist(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64) error {
	return errNotYet
}

// LearnerEnrolments lists a learner's enrolments with hours and marks.
func LearnerEnrolments(ctx context.Context, d *db.DB, learnerID int64) ([]EnrolmentView, error) {
	return nil, errNotYet
}

// ReassignLearner moves every enrolment and mark of learner from to learner to, for
// merging duplicate files (within the caller's transaction).
func ReassignLearner(ctx context.Context, tx db.Execer, from, to int64) error { return errNotYet }
