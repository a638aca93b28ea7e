package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Form carries what a person typed and, per field, the catalog key of what is
// wrong with it. A form that fails validation is rendered again from the same Form,
// so nothing typed is lost.
type Form struct {
	Values url.Values
	Errors map[string]string
}

// NewForm wraps values (for example a record loaded for editing).
func NewForm(values url.Values) *Form {
	if values == nil {
		values = url.Values{}
	}
	return &Form{Values: values, Errors: map[string]string{}}
}

// ErrTooLarge is returned by ParseForm for a body over the size limit.
var ErrTooLarge = errors.New("request body too large")

// ParseForm reads a POSTed form. A body over the limit set by the middleware gives
// ErrTooLarge, which handlers answer with the 413 page.
func ParseForm(r *http.Request) (*Form, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, ErrTooLarge
		}
		return nil, err
	}
	return NewForm(r.PostForm), nil
}

// Get returns the trimmed value of a field.
func (f *Form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// All returns every value of a multi-valued field (checkboxes).
func (f *Form) All(name string) []string { return f.Values[name] }

// Set replaces a field's value, for example with its normalised form.
func (f *Form) Set(name, value string) { f.Values.Set(name, value) }

// Fail records the first problem found with a field, as a catalog key.
func (f *Form) Fail(field, key string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, seen := f.Errors[field]; !seen {
		f.Errors[field] = key
	}
}

// Required fails each named field left empty.
func (f *Form) Required(names ...string) {
	for _, n := range names {
		if f.Get(n) == "" {
			f.Fail(n, "form.required")
		}
	}
}

// MaxLength fails a field longer than n characters.
func (f *Form) MaxLength(name string, n int) {
	if len([]rune(f.Get(name))) > n {
		f.Fail(name, "form.too_long")
	}
}

// Valid reports whether no field failed.
func (f *Form) Valid() bool { return len(f.Errors) == 0 }

// Field is what the "field" template renders: label, input, hint and message,
// tied together for screen readers.
type Field struct {
	Name, Label, Type, Value, Error, Hint, Autocomplete string
	Required                                            bool
	Options                                             []Option
}

// Option is one choice of a select field; Label is a catalog key unless Raw.
type Option struct {
	Value, Label string
	Raw          bool
}

// newField builds a Field from the form: field .Form "name" "label.key" "type" ["required"] ["hint:key"] ["auto:email"]
func newField(f *Form, name, label, typ string, flags ...string) Field {
	fl := Field{Name: name, Label: label, Type: typ}
	if f != nil {
		fl.Value = f.Values.Get(name)
		fl.Error = f.Errors[name]
	}
	for _, flag := range flags {
		switch {
		case flag == "required":
			fl.Required = true
		case strings.HasPrefix(flag, "hint:"):
			fl.Hint = flag[5:]
		case strings.HasPrefix(flag, "auto:"):
			fl.Autocomplete = flag[5:]
		}
	}
	return fl
}
