package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
)

// Upload reads a form sent with a file (multipart/form-data): its fields, and
// the bytes and base name of the file in field — nil and "" when none was
// chosen or the form was not multipart. A body or file over max bytes is
// ErrTooLarge (the 413 page), a broken multipart body a *HTTPError 400.
// Temporary files are removed before it returns.
func Upload(r *http.Request, field string, max int64) (*Form, []byte, string, error) {
	if err := r.ParseMultipartForm(4 << 20); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, nil, "", ErrTooLarge
		case !errors.Is(err, http.ErrNotMultipart):
			return nil, nil, "", ErrBadRequest
		}
	}
	defer func() {
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
		}
	}()
	f := NewForm(url.Values(r.PostForm))
	file, header, err := r.FormFile(field)
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return f, nil, "", nil
	case err != nil:
		return nil, nil, "", err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, max+1))
	if err != nil {
		return nil, nil, "", err
	}
	if int64(len(data)) > max {
		return nil, nil, "", ErrTooLarge
	}
	return f, data, filepath.Base(header.Filename), nil
}

// Attach sets the headers of a file to download: its type, its name, and no
// caching (exports hold people's data).
func Attach(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}
