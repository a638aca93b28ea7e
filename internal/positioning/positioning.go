// Package positioning measures a person's digital skills: a questionnaire over the
// 16 Pix competences in 5 areas that staff can edit, scored per competence and
// mapped to a recommended level by configurable thresholds.
package positioning

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are this room's pages, for the renderer.
func Templates() fs.FS { sub, _ := fs.Sub(templates, "templates"); return sub }

// Handlers serve the positioning pages. OnTaken is called when a test has been
// stored for a learner, so the learners room can mark the person positioned.
type Handlers struct {
	DB      *db.DB
	Render  *web.Renderer
	Auth    *auth.Service
	Log     *slog.Logger
	OnTaken func(ctx context.Context, learnerID int64) error
}
