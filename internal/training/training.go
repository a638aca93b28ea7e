// Package training is the association's teaching: programmes, cohorts and their
// timetables, enrolment within capacity and the waitlist, cancelling a cohort,
// the hours each person attended, and the iCalendar feeds of meetings. What is
// built on it lives beside it: roll calls in attendance, the public catalogue in
// catalogue; closed days come from calendar.
package training

import (
	"context"
	"embed"
	"sync/atomic"

	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("training", templates, nil) }

// Handlers serve the training pages. OnEnrolment is called after an enrolment
// changes state (enrolled, waitlisted, offered, withdrawn, or cohort_cancelled:
// withdrawn because the cohort was cancelled), so that the learners
// room can move the person along their path without training writing its tables.
type Handlers struct {
	web.Deps
	BaseURL     string
	OnEnrolment func(ctx context.Context, learnerID int64, state string) error
	// People told when their cohort is cancelled (cancel.go); nil sends nothing.
	SMS  notify.SMS
	Mail notify.Mailer
	// NameKey folds a name as the learners room stores it, for the search of
	// people to enrol from a cohort page (enrol.go).
	NameKey func(string) string
}

// generation changes with every write that a visitor could see.
var generation atomic.Int64

func changed() { generation.Add(1) }

// Generation changes with every write through this package that a visitor could
// see (programmes, cohorts, seats): a copy of a public page made at another
// generation is stale.
func Generation() int64 { return generation.Load() }
