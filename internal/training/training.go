// Package training is the association's teaching: programmes, cohorts and their
// timetables, the public catalogue, enrolment within capacity and the waitlist,
// the hours each person attended, and the iCalendar feeds of meetings. Roll calls
// are taken in the attendance package.
package training

import (
	"context"
	"embed"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("training", templates, TemplateFuncs) }

// Handlers serve the training pages. OnEnrolment is called after an enrolment
// changes state (enrolled, waitlisted, offered, withdrawn, or cohort_cancelled:
// withdrawn because the cohort was cancelled), so that the learners
// room can move the person along their path without training writing its tables.
type Handlers struct {
	web.Deps
	Auth        *auth.Service
	BaseURL     string
	OnEnrolment func(ctx context.Context, learnerID int64, state string) error
	// People told when their cohort is cancelled (cancel.go); nil sends nothing.
	SMS  notify.SMS
	Mail notify.Mailer
	// NameKey folds a name as the learners room stores it, for the search of
	// people to enrol from a cohort page (enrol.go).
	NameKey func(string) string

	pages pageCache // the public catalogue, rendered (cache.go)
}
