// Package training is the association's teaching: programmes, cohorts and their
// timetables, enrolment within capacity and the waitlist, cancelling a cohort,
// the hours each person attended, and the iCalendar feeds of meetings. What is
// built on it lives beside it: roll calls in attendance, the public catalogue in
// catalogue; closed days come from calendar.
package training

import (
	"context"
	"crypto/rand"
	"embed"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // antennas abroad need their zone even where the system has no tz database

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("training", templates, nil) }

// Handlers serve the training pages. OnEnrolment is called after an enrolment
// changes state (enrolled, waitlisted, offered, withdrawn, or cohort_cancelled:
// withdrawn because the cohort was cancelled), so that the learners
// package can move the person along their path without training writing its tables.
type Handlers struct {
	web.Deps
	BaseURL     string
	OnEnrolment func(ctx context.Context, learnerID int64, state string) error
	// Outbox queues the messages to people about their seats and meetings
	// (tell.go); nil sends nothing.
	Outbox *messages.Outbox
	// Now is the clock of those messages and of the answers to offers (time.Now
	// when nil).
	Now func() time.Time
	// NameKey folds a name as the learners package stores it, for the search of
	// people to enrol from a cohort page (enrol.go).
	NameKey func(string) string
}

// tell passes enrolment changes on to the learners package. The change is already
// saved, so a failure there is logged rather than shown as an error.
func (h *Handlers) tell(ctx context.Context, changes []Change) {
	if h.OnEnrolment == nil {
		return
	}
	for _, c := range changes {
		if err := h.OnEnrolment(ctx, c.LearnerID, c.State); err != nil && h.Log != nil {
			h.Log.Warn("enrolment callback", "learner", c.LearnerID, "state", c.State, "err", err)
		}
	}
}

// Change is an enrolment that changed state, for the learners package's callback
// and the messages to the person.
type Change struct {
	CohortID  int64
	LearnerID int64
	State     string
}

// generation changes with every write that a visitor could see.
var generation atomic.Int64

func changed() { generation.Add(1) }

// Generation changes with every write through this package that a visitor could
// see (programmes, cohorts, seats): a copy of a public page made at another
// generation is stale.
func Generation() int64 { return generation.Load() }

var zones sync.Map // name → *time.Location

// Location returns the antenna timezone by IANA name (UTC when unknown), cached:
// loading a zone reads and parses a file.
func Location(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

// dateLayout is how calendar dates are stored.
const dateLayout = "2006-01-02"

func parseDate(s string) time.Time {
	t, _ := time.Parse(dateLayout, s)
	return t
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func lang(r *http.Request) string { return i18n.FromContext(r.Context()).Lang }

func newToken() string { return strings.ToLower(rand.Text()) }
