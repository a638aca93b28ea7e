// Package learners is the path of each person the association serves: their file
// (the learners table, its store and search keys), the person form (also asked
// at registration), the advisers' inbox and list, contact attempts, decisions,
// the exit and the file's follow-ups, and duplicate detection and merging. How a
// person comes in is package registration; the follow-ups to do, package
// followups.
package learners

import (
	"context"
	"embed"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("learners", templates, nil) }

// Handlers serve the inbox, the learners list and the learner file.
type Handlers struct {
	web.Deps
	// OnStatus, when set, is told each time a file's status has changed (after the
	// change is committed), with who changed it (0 for the system): the partners
	// package keeps referrals in step and tells the referring partner.
	OnStatus func(ctx context.Context, learnerID int64, status string, staffID int64) error
	// Seats, when set, is told of the seats a decision or an exit changes, within
	// its transaction: the training package queues the messages to the people
	// (a seat taken, a seat offered).
	Seats training.Then
	// Gear, when set, says what equipment the person was given (a donated
	// laptop), one line each, and offers the antenna's stock to give one from:
	// the donations package keeps the devices.
	Gear func(ctx context.Context, learnerID, antennaID int64) (given []string, stock []web.Option, err error)
	// Jobs, when set, lists the person's applications to companies' offers
	// (a hire with its start date), the open offers they fit, best first, and
	// the others they may be proposed for: the jobs package keeps them.
	Jobs func(ctx context.Context, learnerID int64) (*JobsSection, error)
	// Exited, when set, is told each time a person's exit is recorded (or
	// corrected), after it is committed: the jobs package records a hire
	// accepted while the person was still in training at the follow-ups just
	// planned, so that it counts as the positive exit it is.
	Exited func(ctx context.Context, learnerID int64) error
	// Edited, when set, is told each time staff save a file's details (after
	// the change is committed): the recruiter profile follows the town, the
	// languages and the availability.
	Edited func(ctx context.Context, learnerID int64) error
}

// JobsSection is the jobs part of a person's file.
type JobsSection struct {
	Apps    []JobLine
	Fitting []JobFit     // open offers the person fits (profile shown), best first
	Offers  []web.Option // the other open offers they may be proposed for
}

// JobFit is an open offer a person fits, with their score for it.
type JobFit struct {
	OfferID        int64
	Company, Title string
	Town           string
	Score          int
	// The offer sent to the person by SMS, with a link to answer: when,
	// and their answer ("", apply, not_interested); Expired when the link
	// lapsed unanswered. CanSend: it may be sent (again) now.
	SentAt  time.Time
	Answer  string
	Expired bool
	CanSend bool
}

// JobLine is one of a person's applications, as their file shows it.
type JobLine struct {
	Company, Offer string
	State          string // catalog key of the state
	StartsOn       time.Time
	Hired          bool // the company took the person on
	FromPerson     bool // the person asked for it, from an offer sent to them
}

// statusOf reads a file's current status, "" when it cannot be read.
func (h *Handlers) statusOf(ctx context.Context, id int64) string {
	var status string
	if err := h.DB.QueryRowContext(ctx, "SELECT status FROM learners WHERE id = $1", id).Scan(&status); err != nil {
		h.Log.WarnContext(ctx, "learner status unreadable", "learner_id", id, "err", err)
	}
	return status
}

// statusChanged calls OnStatus when the file's status is no longer before. Its
// failure is logged: the change itself is already saved.
func (h *Handlers) statusChanged(ctx context.Context, id int64, before string, staffID int64) {
	if h.OnStatus == nil {
		return
	}
	after := h.statusOf(ctx, id)
	if after == "" || after == before {
		return
	}
	if staffID == 0 {
		if st := auth.Current(ctx); st != nil {
			staffID = st.ID
		}
	}
	if err := h.OnStatus(ctx, id, after, staffID); err != nil {
		h.Log.WarnContext(ctx, "status change not passed on", "learner_id", id, "err", err)
	}
}

// EnrolmentChanged moves a person along their path when training changes one of
// their enrolments (enrolled, waitlisted, offered, withdrawn). Training calls it
// through its OnEnrolment callback, after its own write has been committed.
func (h *Handlers) EnrolmentChanged(ctx context.Context, learnerID int64, state string) error {
	before := h.statusOf(ctx, learnerID)
	if err := moveForEnrolment(ctx, h.DB, learnerID, state); err != nil {
		return err
	}
	h.statusChanged(ctx, learnerID, before, 0)
	return nil
}

// Positioned marks a person positioned once a test has been stored for them
// (positioning's OnTaken callback), unless they are already further along.
func (h *Handlers) Positioned(ctx context.Context, learnerID int64) error {
	before := h.statusOf(ctx, learnerID)
	if err := markPositioned(ctx, h.DB, learnerID); err != nil {
		return err
	}
	h.statusChanged(ctx, learnerID, before, 0)
	return nil
}
