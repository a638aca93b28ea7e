package web

import (
	"log/slog"
	"net/http"

	"tremplin/internal/platform/db"
)

// Deps are what every package's handlers are built on, made once by the app and
// embedded in each package's Handlers beside what only that package needs.
type Deps struct {
	DB     *db.DB
	Render *Renderer
	Log    *slog.Logger
	// Flash keeps a message (a catalog key) for the next page the person sees.
	Flash func(r *http.Request, key string)
}
