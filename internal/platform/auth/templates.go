package auth

import (
	"embed"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the sign-in and profile pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("auth", templates, nil) }
