package profiles

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/communes"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/positioning"
)

// Criteria are what a job asks of a person, as the jobs package gives them
// from an offer (or staff type them on the matching page). Every criterion is
// optional.
type Criteria struct {
	// ROME is the job's code in France Travail's referential: it adds the
	// competences the job needs (RomeSkills) to Skills.
	ROME string
	// Skills are the competences wanted, with the lowest Pix level (1–8) each.
	Skills map[string]int
	// Programme is a course the person must have followed (hours attended), 0
	// for any; MinHours the hours of it (of all courses when Programme is 0).
	Programme int64
	MinHours  int
	// Where the job is: a commune's INSEE code, or a postcode, or a
	// département. Without WithinKm, people of the same département fit;
	// with it, people who live within WithinKm km of the town's centre
	// (wherever their département), which needs a town or postcode whose
	// centre is known (ErrNoCentre). The nearer score more either way.
	INSEE, Postcode, Departement string
	WithinKm                     int
	// Availability the job needs (learners' codes: mornings, afternoons,
	// evenings, saturday): people free at one of them at least fit.
	Availability []string
	// HoursPerWeek of the job: 24 or more wants mornings and afternoons,
	// which counts in the score.
	HoursPerWeek int
	// Start is when the job starts: people available by then fit.
	Start time.Time
}

// RomeSkills are the Pix competences and lowest levels a few ROME codes of
// the jobs people train for need; the association's advisers chose them.
var RomeSkills = map[string]map[string]int{
	"M1805": {"3.4": 4, "3.1": 3, "5.2": 3}, // études et développement informatique (web developer)
	"M1810": {"5.1": 4, "5.2": 4, "4.1": 3}, // production et exploitation de systèmes d'information
	"I1401": {"5.1": 4, "5.2": 3},           // maintenance informatique et bureautique
	"M1801": {"5.2": 4, "4.1": 4, "5.1": 4}, // administration de systèmes d'information
	"M1607": {"3.1": 3, "2.1": 3, "1.2": 2}, // secrétariat
	"D1408": {"2.1": 3, "1.1": 3},           // téléconseil et télévente
	"E1205": {"3.2": 4, "3.1": 3},           // réalisation de contenus multimédias
}

// wanted is the skills asked: Skills with the ROME code's, the higher level
// of the two for a competence in both.
func (c Criteria) wanted() map[string]int {
	out := map[string]int{}
	for k, v := range RomeSkills[strings.ToUpper(strings.TrimSpace(c.ROME))] {
		out[k] = v
	}
	for k, v := range c.Skills {
		if positioning.ValidCompetence(k) && v > out[k] {
			out[k] = min(v, 8)
		}
	}
	return out
}

// departement is where the job is.
func (c Criteria) departement() string {
	switch {
	case c.INSEE != "":
		return DepartementOfINSEE(c.INSEE)
	case c.Postcode != "":
		return Departement(c.Postcode)
	}
	return strings.ToUpper(c.Departement)
}

// centre is the centre of the job's town (its commune, or its postcode's),
// false when unknown.
func (c Criteria) centre() (communes.Point, bool) {
	if c.INSEE != "" {
		if m := communes.ByINSEE(c.INSEE); m != nil && m.Located {
			return m.Centre, true
		}
		return communes.Point{}, false
	}
	if c.Postcode != "" {
		return communes.Place(c.Postcode, "")
	}
	return communes.Point{}, false
}

// ErrNoCentre refuses a radius around a town whose centre is unknown.
var ErrNoCentre = errors.New("profiles: no centre known for the job's town")

// halfKm is the distance at which living near the job earns half its points.
const halfKm = 10

// kmPerE4 is the length of 1/10,000 of a degree of latitude.
const kmPerE4 = 6371.0 * math.Pi / 180 / 1e4

// sq is the square of a distance in km, in the units dist2 counts (squared
// 1/10,000 of a degree of latitude).
func sq(km float64) int64 {
	u := int64(math.Round(km / kmPerE4))
	return u * u
}

// Candidate is a consenting learner who fits, with their score (0–100) and
// why; Km is how far they live from the job's town when both places are known
// (Located).
type Candidate struct {
	LearnerID   int64
	FirstName   string
	LastInitial string
	Town        string
	Score       int
	Reasons     []Reason
	Km          int
	Located     bool
}

// Reason is one thing that counted for a candidate: a catalog key and its
// arguments.
type Reason struct {
	Key  string
	Args []any
}

// The score's parts, out of 100.
const (
	skillPoints     = 40
	coursePoints    = 25
	certifiedPoints = 10
	placePoints     = 20
	availPoints     = 5
)

// Match lists the consenting learners in scope who fit c, best first, limit
// at a time from offset (one more is read to tell whether there are more).
// Companies are national: the jobs package passes auth.Scope{All: true}.
func Match(ctx context.Context, q db.Execer, sc auth.Scope, c Criteria, limit, offset int) ([]Candidate, bool, error) {
	return match(ctx, q, sc, c, 0, limit, offset)
}

// match is Match, for one learner only when learnerID is not 0.
func match(ctx context.Context, q db.Execer, sc auth.Scope, c Criteria, learnerID int64, limit, offset int) ([]Candidate, bool, error) {
	args := db.Args{}
	where := []string{"p.shown"}
	if learnerID != 0 {
		where = append(where, "p.learner_id = "+args.Add(learnerID))
	}
	// The place: the département, or a box around the town's centre then the
	// distance. Distances in SQL are flat (equirectangular, in 1/10,000 of a
	// degree of latitude, integers so both engines count alike): within 50 km
	// they differ from the great circle by less than 0.1 %; the distance
	// shown is the great circle's (communes.Km).
	centre, located := c.centre()
	if c.WithinKm > 0 && !located {
		return nil, false, ErrNoCentre
	}
	dist2 := "NULL"
	if located {
		lat, lon := e4(centre.Lat), e4(centre.Lon)
		cos := int64(math.Round(math.Cos(centre.Lat*math.Pi/180) * 1000))
		la, lo, k := args.Add(lat), args.Add(lon), args.Add(cos)
		dy, dx := "(CAST(p.lat_e4 AS BIGINT) - "+la+")", "((CAST(p.lon_e4 AS BIGINT) - "+lo+") * "+k+" / 1000)"
		dist2 = "(" + dy + " * " + dy + " + " + dx + " * " + dx + ")"
	}
	if c.WithinKm > 0 {
		minLat, maxLat, minLon, maxLon := communes.Box(centre, float64(c.WithinKm))
		where = append(where, "p.lat_e4 BETWEEN "+args.Add(e4(minLat))+" AND "+args.Add(e4(maxLat)),
			"p.lon_e4 BETWEEN "+args.Add(e4(minLon))+" AND "+args.Add(e4(maxLon)), dist2+" <= "+args.Add(sq(float64(c.WithinKm))))
	} else if dep := c.departement(); dep != "" {
		where = append(where, "p.departement = "+args.Add(dep))
	}
	where = append(where, sc.Where("p.antenna_id", &args))
	want := c.wanted()
	comps := make([]string, 0, len(want))
	for k := range want {
		comps = append(comps, k)
	}
	slices.Sort(comps)
	// Each wanted competence at its level at least, read in the row.
	for _, k := range comps {
		where = append(where, "p."+SkillColumn(k)+" >= "+args.Add(want[k]))
	}
	hoursExpr := "p.hours_total"
	if c.Programme != 0 {
		hoursExpr = "COALESCE((SELECT rc.hours FROM recruiter_profile_courses rc WHERE rc.learner_id = p.learner_id AND rc.programme_id = " +
			args.Add(c.Programme) + "), 0)"
		where = append(where, hoursExpr+" > 0")
	}
	if c.MinHours > 0 {
		where = append(where, hoursExpr+" >= "+args.Add(c.MinHours))
	}
	if !c.Start.IsZero() {
		where = append(where, "p.available_from <= "+args.Add(c.Start.Format(time.DateOnly)))
	}
	var avail []string
	for _, a := range c.Availability {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyz_") == "" {
			avail = append(avail, "(',' || p.availabilities || ',') LIKE "+args.Add("%,"+a+",%"))
		}
	}
	if len(avail) > 0 {
		where = append(where, "("+strings.Join(avail, " OR ")+")")
	}
	// The score, in SQL so that the best come first from the database: skills
	// above what is wanted, hours (of the course, or all up to 600), a
	// certificate, the same town, and a full-time availability.
	skill := "p.skill_sum * " + strconv.Itoa(skillPoints) + " / 128"
	if len(comps) > 0 {
		var sum []string
		for _, k := range comps {
			sum = append(sum, "p."+SkillColumn(k))
		}
		skill = "(" + strings.Join(sum, " + ") + ") * " + strconv.Itoa(skillPoints) + " / " + strconv.Itoa(8*len(comps))
	}
	course := "CASE WHEN " + hoursExpr + " >= 600 THEN " + strconv.Itoa(coursePoints) + " ELSE " + hoursExpr + " * " +
		strconv.Itoa(coursePoints) + " / 600 END"
	// Being near counts when both places are known: all the points at the
	// town's centre, half at halfKm, a fifth at twice that, and so on.
	place := "0"
	if located {
		h2 := args.Add(sq(halfKm))
		place = "COALESCE(" + strconv.Itoa(placePoints) + " * " + h2 + " / (" + h2 + " + " + dist2 + "), 0)"
	}
	full := "0"
	if c.HoursPerWeek >= 24 {
		full = "CASE WHEN (',' || p.availabilities || ',') LIKE '%,mornings,%' AND (',' || p.availabilities || ',') LIKE '%,afternoons,%' THEN " +
			strconv.Itoa(availPoints) + " ELSE 0 END"
	}
	score := "(" + skill + ") + (" + course + ") + CASE WHEN p.certified THEN " + strconv.Itoa(certifiedPoints) + " ELSE 0 END + (" +
		place + ") + (" + full + ")"
	query := "SELECT p.learner_id, p.first_name, p.last_initial, CASE WHEN p.show_town THEN p.town ELSE '' END, " + score + " AS score, " +
		hoursExpr + ", p.certified, p.availabilities, p.lat_e4, p.lon_e4 FROM recruiter_profiles p WHERE " + strings.Join(where, " AND ") +
		" ORDER BY score DESC, p.learner_id LIMIT " + args.Add(limit+1) + " OFFSET " + args.Add(offset)
	out, err := db.Collect[Candidate](q.QueryContext(ctx, query, args...))(func(s db.Scanner) (Candidate, error) {
		var k Candidate
		var hours int
		var cert bool
		var av string
		var lat, lon sql.NullInt64
		err := s.Scan(&k.LearnerID, &k.FirstName, &k.LastInitial, &k.Town, &k.Score, &hours, &cert, &av, &lat, &lon)
		if located && lat.Valid && lon.Valid {
			k.Located = true
			k.Km = int(math.Round(communes.Km(centre, communes.Point{Lat: float64(lat.Int64) / 1e4, Lon: float64(lon.Int64) / 1e4})))
		}
		for _, comp := range comps {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.skill", []any{"competence", positioning.CompetenceKey(comp), "level", want[comp]}})
		}
		if hours > 0 {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.hours", []any{"hours", hours}})
		}
		if cert {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.certified", nil})
		}
		switch {
		case c.WithinKm > 0:
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.within", []any{"km", c.WithinKm}})
		case c.departement() != "":
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.same_departement", []any{"departement", c.departement()}})
		}
		for _, a := range c.Availability {
			if slices.Contains(split(av), a) {
				k.Reasons = append(k.Reasons, Reason{"profiles.reason.available", []any{"when", "learner.availability." + a}})
			}
		}
		return k, err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Offer is an offer as matching sees it, which the jobs package hands over:
// its id and its criteria.
type Offer struct {
	ID       int64
	Criteria Criteria
}

// Fits reports whether learnerID (with a profile shown) fits c, and their
// score: the same rules as Match.
func Fits(ctx context.Context, q db.Execer, learnerID int64, c Criteria) (bool, int, error) {
	list, _, err := match(ctx, q, auth.Scope{All: true}, c, learnerID, 1, 0)
	if err != nil || len(list) == 0 {
		return false, 0, err
	}
	return true, list[0].Score, nil
}

// FittingOffers keeps the offers that learnerID fits, best score first: the
// jobs package passes its open offers' criteria.
func FittingOffers(ctx context.Context, q db.Execer, learnerID int64, offers []Offer) ([]ScoredOffer, error) {
	var out []ScoredOffer
	for _, o := range offers {
		ok, score, err := Fits(ctx, q, learnerID, o.Criteria)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ScoredOffer{Offer: o, Score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b ScoredOffer) int { return b.Score - a.Score })
	return out, nil
}

// ScoredOffer is an offer a learner fits, with their score for it.
type ScoredOffer struct {
	Offer
	Score int
}
