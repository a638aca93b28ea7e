// Package attendance is what happens at each meeting and what comes of it: the
// roll call, the advisers' "my meetings" page of roll calls to take, the alerts
// for people absent twice in a row, the home page's counts of them, and the
// attendance sheets (feuilles d'émargement) as PDF.
package attendance

import (
	"context"
	"embed"
	"time"

	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("attendance", templates, nil) }

// Handlers serve the roll calls, "my meetings", the alerts and the sheets.
type Handlers struct {
	web.Deps
	BaseURL string // for the address of an adviser's calendar feed
	// Now is the clock of the reply links (time.Now when nil).
	Now func() time.Time
	// OnMarked, when set, is told of the people whose marks a roll call saved,
	// after it is committed: their recruiter profiles show the hours attended.
	OnMarked func(ctx context.Context, learnerIDs []int64) error
}
