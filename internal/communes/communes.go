// Package communes is the referential of French communes (INSEE's Code
// officiel géographique with La Poste's postcodes) and their centres, embedded
// in the binary: the jobs package reads an offer's town with it, profiles
// place a learner with it, and both measure distances with Km. Sources and
// licences are in internal/jobs/data/README.md.
package communes

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:embed data/communes.csv.gz
var communesGz []byte

// Point is a place on Earth, in degrees (WGS 84).
type Point struct{ Lat, Lon float64 }

// Commune is a French commune (or a municipal arrondissement of Paris, Lyon,
// Marseille): its INSEE code, name, postcodes, département, and its centre
// when known (Located; some overseas collectivities have none).
type Commune struct {
	INSEE, Name, Departement string
	Postcodes                []string
	Centre                   Point
	Located                  bool
}

// Label is how a form shows the commune: "59000 Lille" (its first postcode).
func (c *Commune) Label() string {
	if len(c.Postcodes) == 0 {
		return c.Name
	}
	return c.Postcodes[0] + " " + c.Name
}

type referential struct {
	byINSEE    map[string]*Commune
	byName     map[string][]*Commune // by folded name
	byPostcode map[string][]*Commune
}

var (
	once sync.Once
	ref  *referential
)

// load reads the embedded file once, at first use (some 35,000 communes).
func load() *referential {
	once.Do(func() {
		r := &referential{byINSEE: map[string]*Commune{}, byName: map[string][]*Commune{}, byPostcode: map[string][]*Commune{}}
		zr, err := gzip.NewReader(bytes.NewReader(communesGz))
		if err != nil {
			panic(err) // embedded: a broken file is a build error
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
			if row[4] != "" {
				lat, err1 := strconv.ParseFloat(row[4], 64)
				lon, err2 := strconv.ParseFloat(row[5], 64)
				if err1 != nil || err2 != nil {
					panic("communes: bad centre for " + c.INSEE)
				}
				c.Centre, c.Located = Point{lat, lon}, true
			}
			r.byINSEE[c.INSEE] = c
			k := Fold(c.Name)
			r.byName[k] = append(r.byName[k], c)
			for _, p := range c.Postcodes {
				r.byPostcode[p] = append(r.byPostcode[p], c)
			}
		}
		ref = r
	})
	return ref
}

// ByINSEE is the commune of an INSEE code, nil for none.
func ByINSEE(code string) *Commune { return load().byINSEE[strings.ToUpper(strings.TrimSpace(code))] }

// Find reads a town typed in a form: "59000 Lille", "Lille 59000", "Lille",
// or an INSEE code. It returns the commune, or nil and how many communes the
// words could mean (0: unknown; more than 1: a name several communes share,
// which a postcode or département tells apart).
func Find(typed string) (*Commune, int) {
	r := load()
	typed = strings.TrimSpace(typed)
	// An INSEE code, unless it is also a postcode (75001 is one; Paris 1er's
	// INSEE code is 75101).
	if c := r.byINSEE[strings.ToUpper(typed)]; c != nil && len(r.byPostcode[typed]) == 0 {
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
	name := Fold(strings.Join(rest, " "))
	var found []*Commune
	switch {
	case postcode != "":
		found = r.withPostcode(postcode, name)
	case name != "":
		found = r.byName[name]
	}
	if len(found) == 1 {
		return found[0], 1
	}
	return nil, len(found)
}

// withPostcode lists the communes that a postcode serves whose name folds to
// name (any name when name is "").
func (r *referential) withPostcode(postcode, name string) []*Commune {
	if name == "" {
		return r.byPostcode[postcode]
	}
	var out []*Commune
	for _, c := range r.byPostcode[postcode] {
		if Fold(c.Name) == name {
			out = append(out, c)
		}
	}
	return out
}

// Place is where a person lives, from the postcode and town of their file:
// the centre of the commune of that postcode and name, or of the postcode's
// only commune; when the name tells none of a postcode's several communes
// apart, the middle of them (a postcode spans a few kilometres). false when
// the postcode is unknown or none of its communes is located.
func Place(postcode, town string) (Point, bool) {
	postcode = strings.TrimSpace(postcode)
	r := load()
	all := r.byPostcode[postcode]
	if name := Fold(town); name != "" {
		if found := r.withPostcode(postcode, name); len(found) > 0 {
			all = found
		}
	}
	var sum Point
	n := 0
	for _, c := range all {
		if c.Located {
			sum.Lat += c.Centre.Lat
			sum.Lon += c.Centre.Lon
			n++
		}
	}
	if n == 0 {
		return Point{}, false
	}
	return Point{sum.Lat / float64(n), sum.Lon / float64(n)}, true
}

// earthKm is the Earth's mean radius.
const earthKm = 6371.0

// Km is the distance between two points along the Earth's surface
// (haversine), in kilometres.
func Km(a, b Point) float64 {
	p1, p2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dp, dl := p2-p1, (b.Lon-a.Lon)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Box is the latitude and longitude range that holds every point within km
// of centre (wider than the circle: Km tells exactly).
func Box(centre Point, km float64) (minLat, maxLat, minLon, maxLon float64) {
	dLat := km / earthKm * 180 / math.Pi
	cos := math.Cos(math.Min(89, math.Abs(centre.Lat)+dLat) * math.Pi / 180)
	dLon := dLat / cos
	return centre.Lat - dLat, centre.Lat + dLat, centre.Lon - dLon, centre.Lon + dLon
}

// Fold is a name as compared: lower case, without accents, hyphens and
// apostrophes as spaces, "St" for "Saint" kept as typed.
func Fold(s string) string {
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

// InDepartement lists a département's communes, by INSEE code.
func InDepartement(dep string) []*Commune {
	var out []*Commune
	for _, c := range load().byINSEE {
		if c.Departement == dep {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Commune) int { return strings.Compare(a.INSEE, b.INSEE) })
	return out
}
