package jobs

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The national referentials an offer is written in (data/README.md says where
// they come from and under which licence).
var (
	//go:embed data/rome.csv
	romeCSV []byte
	//go:embed data/communes.csv.gz
	communesGz []byte
)

// Job is one sheet of the ROME: its code (M1805) and title.
type Job struct{ Code, Title string }

// Commune is a French commune (or a municipal arrondissement of Paris, Lyon,
// Marseille): its INSEE code, name, postcodes and département.
type Commune struct {
	INSEE, Name, Departement string
	Postcodes                []string
}

// Label is how a form shows the commune: "59000 Lille" (its first postcode).
func (c *Commune) Label() string {
	if len(c.Postcodes) == 0 {
		return c.Name
	}
	return c.Postcodes[0] + " " + c.Name
}

type referential struct {
	jobs     []Job
	rome     map[string]*Job
	communes map[string]*Commune   // by INSEE code
	byName   map[string][]*Commune // by folded name
}

var (
	refOnce sync.Once
	ref     *referential
)

// load reads the embedded files once, at first use (some 35,000 communes).
func load() *referential {
	refOnce.Do(func() {
		r := &referential{rome: map[string]*Job{}, communes: map[string]*Commune{}, byName: map[string][]*Commune{}}
		rows, err := csv.NewReader(bytes.NewReader(romeCSV)).ReadAll()
		if err != nil {
			panic(err) // embedded: a broken file is a build error
		}
		for _, row := range rows[1:] {
			r.jobs = append(r.jobs, Job{Code: row[0], Title: row[1]})
		}
		for i := range r.jobs {
			r.rome[r.jobs[i].Code] = &r.jobs[i]
		}
		zr, err := gzip.NewReader(bytes.NewReader(communesGz))
		if err != nil {
			panic(err)
		}
		cr := csv.NewReader(zr)
		cr.ReuseRecord = true
		for first := true; ; first = false {
			row, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				panic(err)
			}
			if first {
				continue
			}
			c := &Commune{INSEE: row[0], Name: row[1], Departement: row[3]}
			if row[2] != "" {
				c.Postcodes = strings.Fields(row[2])
			}
			r.communes[c.INSEE] = c
			k := fold(c.Name)
			r.byName[k] = append(r.byName[k], c)
		}
		ref = r
	})
	return ref
}

// Jobs lists the ROME's sheets by code.
func Jobs() []Job { return load().jobs }

// JobByCode is the ROME sheet of a code (upper or lower case), nil for none.
func JobByCode(code string) *Job { return load().rome[strings.ToUpper(strings.TrimSpace(code))] }

// FindJob reads what someone typed for a job: a ROME code ("M1805"), or a
// code followed by its title as the form shows it ("M1805 — Études…"), or a
// title written exactly (accents and case aside). nil when none matches.
func FindJob(typed string) *Job {
	typed = strings.TrimSpace(typed)
	if len(typed) >= 5 {
		if j := JobByCode(typed[:5]); j != nil && (len(typed) == 5 || !isLetterOrDigit(rune(typed[5]))) {
			return j
		}
	}
	k := fold(typed)
	for i, j := range load().jobs {
		if fold(j.Title) == k {
			return &load().jobs[i]
		}
	}
	return nil
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// CommuneByINSEE is the commune of an INSEE code, nil for none.
func CommuneByINSEE(code string) *Commune { return load().communes[strings.TrimSpace(code)] }

// FindCommune reads a town typed in a form: "59000 Lille", "Lille 59000",
// "Lille", or an INSEE code. It returns the commune, or nil and how many
// communes the words could mean (0: unknown; more than 1: a name several
// communes share, which a postcode or département tells apart).
func FindCommune(typed string) (*Commune, int) {
	r := load()
	typed = strings.TrimSpace(typed)
	// An INSEE code, unless it is also a postcode (75001 is one; Paris 1er's
	// INSEE code is 75101).
	if c := r.communes[strings.ToUpper(typed)]; c != nil && len(r.byPostcode(typed, "")) == 0 {
		return c, 1
	}
	var postcode string
	words := strings.Fields(typed)
	rest := words[:0:0]
	for _, w := range words {
		if postcode == "" && len(w) == 5 && strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
			postcode = w
			continue
		}
		rest = append(rest, w)
	}
	name := fold(strings.Join(rest, " "))
	var found []*Commune
	switch {
	case postcode != "":
		found = r.byPostcode(postcode, name)
	case name != "":
		found = r.byName[name]
	}
	if len(found) == 1 {
		return found[0], 1
	}
	return nil, len(found)
}

// byPostcode lists the communes that a postcode serves whose name folds to
// name (any name when name is "").
func (r *referential) byPostcode(postcode, name string) []*Commune {
	var out []*Commune
	if name != "" {
		for _, c := range r.byName[name] {
			if slices.Contains(c.Postcodes, postcode) {
				out = append(out, c)
			}
		}
		return out
	}
	for _, c := range r.communes {
		if slices.Contains(c.Postcodes, postcode) {
			out = append(out, c)
		}
	}
	return out
}

// fold is a name as compared: lower case, without accents, hyphens and
// apostrophes as spaces, "St" for "Saint" kept as typed.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, _ = transform.String(t, strings.ToLower(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case '-', '\'', '’', '_', ',':
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
