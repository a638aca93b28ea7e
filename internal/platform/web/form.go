package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tremplin/internal/platform/check"
)

// Form carries what a person typed and, per field, the catalog key of what is
// wrong with it. A form that fails validation is rendered again from the same Form,
// so nothing typed is lost.
type Form struct {
	Values url.Values
	Errors map[string]string
	// labels and order are the fields a page rendered, in page order, with their
	// label (a catalog key): the error summary links to each wrong one by name.
	labels map[string]string
	order  []string
}

// FieldError is one line of the error summary: the field, its label and the
// message (catalog keys; Label is "" for a field the page did not label).
type FieldError struct {
	Name, Label, Message string
}

// Label records a field's label for the error summary; the "field" template does
// it for every field it renders, and a page may for a field built by hand.
func (f *Form) Label(name, label string) string {
	if f == nil {
		return ""
	}
	if f.labels == nil {
		f.labels = map[string]string{}
	}
	if _, seen := f.labels[name]; !seen {
		f.order = append(f.order, name)
	}
	f.labels[name] = label
	return ""
}

// Summary lists the wrong fields in the order the page shows them (those it did
// not render last, by name), for the error summary.
func (f *Form) Summary() []FieldError {
	out := make([]FieldError, 0, len(f.Errors))
	for _, name := range f.order {
		if msg, wrong := f.Errors[name]; wrong {
			out = append(out, FieldError{Name: name, Label: f.labels[name], Message: msg})
		}
	}
	var rest []string
	for name := range f.Errors {
		if _, shown := f.labels[name]; !shown {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, FieldError{Name: name, Message: f.Errors[name]})
	}
	return out
}

// labelled reports whether the fields' labels are known: the page was rendered once.
func (f *Form) labelled() bool { return f.labels != nil }

// NewForm wraps values (for example a record loaded for editing).
func NewForm(values url.Values) *Form {
	if values == nil {
		values = url.Values{}
	}
	return &Form{Values: values, Errors: map[string]string{}}
}

// ErrTooLarge is returned by ParseForm for a body over the size limit.
var ErrTooLarge = errors.New("request body too large")

// ErrBadRequest is a body that cannot be read as the form it claims to be: the
// 400 page.
var ErrBadRequest = errors.New("malformed request body")

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

// Form reads the posted form of r; when it cannot be read (too large, or
// malformed) it answers with the error page and reports false, so that a
// handler only returns.
func (rd *Renderer) Form(w http.ResponseWriter, r *http.Request) (*Form, bool) {
	f, err := ParseForm(r)
	if err != nil {
		rd.Fail(w, r, err)
		return nil, false
	}
	return f, true
}

// Get returns the trimmed value of a field. A number typed with Arabic-Indic (١٩٩٢)
// or Persian (۱۹۹۲) digits, as Arabic and Persian keyboards type them, comes back in
// ASCII digits, so that every number field reads them; the form, rendered again,
// still shows what was typed (it reads Values).
func (f *Form) Get(name string) string { return ASCIINumber(strings.TrimSpace(f.Values.Get(name))) }

// ASCIINumber turns a value made only of digits (and a sign, a decimal point or
// comma) written in Arabic-Indic or Persian digits into ASCII digits; anything
// else, free text in particular, is returned as it is.
func ASCIINumber(s string) string {
	t := check.ASCIIDigits(s)
	if t == s {
		return s // no eastern digit: nothing to read
	}
	t = strings.ReplaceAll(t, "٫", ".") // the Arabic decimal separator
	if strings.Trim(t, "0123456789-+.,") != "" {
		return s // free text that happens to hold a digit
	}
	return t
}

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
	// Numeric is set for a "number" field: it is rendered as a text input with a
	// numeric keyboard, because a type=number input empties itself when someone
	// types Arabic-Indic digits, which the server reads (Form.Get).
	Numeric  bool
	Required bool
	Options  []Option
}

// Option is one choice of a select field; Label is a catalog key unless Raw.
type Option struct {
	Value, Label string
	Raw          bool
}

// newField builds a Field from the form: field .Form "name" "label.key" "type" ["required"] ["hint:key"] ["auto:email"]
func newField(f *Form, name, label, typ string, flags ...string) Field {
	fl := Field{Name: name, Label: label, Type: typ}
	if typ == "number" {
		fl.Type, fl.Numeric = "text", true
	}
	if f != nil {
		fl.Value = f.Values.Get(name)
		fl.Error = f.Errors[name]
		f.Label(name, label)
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

// PathID reads the route's {name} parameter as a record id; 0 when it is not a
// number, which no record has, so that the lookup answers "not found".
func PathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// CodeOptions lists codes as a select's options, each labelled by the catalog
// key prefix+code, after an empty choice labelled empty when it is not "".
func CodeOptions(prefix string, codes []string, empty string) []Option {
	var out []Option
	if empty != "" {
		out = append(out, Option{Value: "", Label: empty})
	}
	for _, c := range codes {
		out = append(out, Option{Value: c, Label: prefix + c})
	}
	return out
}
