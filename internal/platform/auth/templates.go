package auth

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are the sign-in and profile pages, for the renderer.
func Templates() fs.FS { sub, _ := fs.Sub(templates, "templates"); return sub }
