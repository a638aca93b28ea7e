// Package positioning measures a person's digital skills: a questionnaire over the
// 16 Pix competences in 5 areas that staff can edit, scored per competence and
// mapped to a recommended level by configurable thresholds.
package positioning

import (
	"context"
	"embed"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("positioning", templates, nil) }

// Handlers serve the positioning pages. OnTaken is called when a test has been
// stored for a learner, so the learners package can mark the person positioned.
type Handlers struct {
	web.Deps
	OnTaken func(ctx context.Context, learnerID int64) error
}
