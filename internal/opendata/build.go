package opendata

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/openinghours"
	"tremplin/internal/platform/sheet"
	"tremplin/internal/platform/siret"
)

// LieuColumns are the fields of the "lieux de médiation numérique" standard v1.0.2,
// in its order: the CSV header.
var LieuColumns = []string{"id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
	"latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
	"presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
	"publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge", "dispositif_programmes_nationaux",
	"formations_labels", "autres_formations_labels", "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv"}

// listColumns hold several values, joined with "|" in the CSV and given as arrays
// in the JSON variant (the standard says "séparées par un |" for each).
var listColumns = map[string]bool{"typologie": true, "courriels": true, "site_web": true, "itinerance": true, "services": true,
	"publics_specifiquement_adresses": true, "prise_en_charge_specifique": true, "frais_a_charge": true,
	"dispositif_programmes_nationaux": true, "formations_labels": true, "modalites_acces": true, "modalites_accompagnement": true}

// Lieu is one row of the standard: each field's values (one for a single-valued field).
type Lieu map[string][]string

// Cells are the row's CSV cells, in column order.
func (l Lieu) Cells() []string {
	out := make([]string, len(LieuColumns))
	for i, c := range LieuColumns {
		out[i] = strings.Join(l[c], "|")
	}
	return out
}

// MarshalJSON writes the row with every field of the standard in its order: a list
// field as an array, any other as a string, an empty one as null.
func (l Lieu) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range LieuColumns {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c)
		b.Write(k)
		b.WriteByte(':')
		var v any
		switch vs := l[c]; {
		case len(vs) == 0:
			v = nil
		case listColumns[c]:
			v = vs
		default:
			v = vs[0]
		}
		j, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(j)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Structure is a data·inclusion v1 structure.
type Structure struct {
	ID                string   `json:"id"`
	Source            string   `json:"source"`
	Nom               string   `json:"nom"`
	DateMaj           string   `json:"date_maj"`
	SIRET             string   `json:"siret,omitempty"`
	Description       string   `json:"description,omitempty"`
	Adresse           string   `json:"adresse,omitempty"`
	CodePostal        string   `json:"code_postal,omitempty"`
	Commune           string   `json:"commune,omitempty"`
	Telephone         string   `json:"telephone,omitempty"`
	Courriel          string   `json:"courriel,omitempty"`
	SiteWeb           string   `json:"site_web,omitempty"`
	LienSource        string   `json:"lien_source,omitempty"`
	HorairesAccueil   string   `json:"horaires_accueil,omitempty"`
	AccessibiliteLieu string   `json:"accessibilite_lieu,omitempty"`
	ReseauxPorteurs   []string `json:"reseaux_porteurs,omitempty"`
}

// Service is a data·inclusion v1 service.
type Service struct {
	ID                 string   `json:"id"`
	Source             string   `json:"source"`
	StructureID        string   `json:"structure_id"`
	Nom                string   `json:"nom"`
	Description        string   `json:"description"`
	DateMaj            string   `json:"date_maj"`
	Type               string   `json:"type,omitempty"`
	Thematiques        []string `json:"thematiques,omitempty"`
	Publics            []string `json:"publics,omitempty"`
	PublicsPrecisions  string   `json:"publics_precisions,omitempty"`
	Frais              string   `json:"frais,omitempty"`
	ModesAccueil       []string `json:"modes_accueil,omitempty"`
	ModesMobilisation  []string `json:"modes_mobilisation,omitempty"`
	MobilisablePar     []string `json:"mobilisable_par,omitempty"`
	LienMobilisation   string   `json:"lien_mobilisation,omitempty"`
	LienSource         string   `json:"lien_source,omitempty"`
	Adresse            string   `json:"adresse,omitempty"`
	CodePostal         string   `json:"code_postal,omitempty"`
	Commune            string   `json:"commune,omitempty"`
	Telephone          string   `json:"telephone,omitempty"`
	Courriel           string   `json:"courriel,omitempty"`
	HorairesAccueil    string   `json:"horaires_accueil,omitempty"`
	ConditionsAcces    string   `json:"conditions_acces,omitempty"`
	FraisPrecisions    string   `json:"frais_precisions,omitempty"`
	MobilisationPrecis string   `json:"mobilisation_precisions,omitempty"`
}

// LeftOut is a place the files do not contain, and why (a catalog key).
type LeftOut struct {
	Name, Antenna, Reason string
}

// Dataset is everything published, built from the database at one moment.
type Dataset struct {
	Lieux      []Lieu
	Structures []Structure
	Services   []Service
	LeftOut    []LeftOut
	Updated    time.Time // the latest change of anything published
}

// Source is our producer id in data·inclusion ("source" field, id prefix).
const Source = "tremplin"

var (
	pivotShape = regexp.MustCompile(`^[a-zA-Z0-9]{9,14}$`)
	phoneFR    = regexp.MustCompile(`^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$`)
	phoneE164  = regexp.MustCompile(`^\+[1-9]\d{5,14}$`)
)

// Reasons a place is left out (catalog keys).
const (
	reasonAbroad   = "opendata.reason_abroad"
	reasonPostcode = "opendata.reason_postcode"
	reasonPivot    = "opendata.reason_pivot"
	reasonAddress  = "opendata.reason_address"
)

// Build reads the database and makes the four files' content. baseURL is the
// site's public address, for links to the catalogue and the registration form.
func Build(ctx context.Context, d *db.DB, baseURL string) (*Dataset, error) {
	s, err := load(ctx, d)
	if err != nil {
		return nil, err
	}
	return s.build(strings.TrimSuffix(baseURL, "/")), nil
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func (s *source) build(base string) *Dataset {
	a := s.assoc
	ds := &Dataset{Updated: a.UpdatedAt}
	assocPivot := ""
	if siret.Kind(a.SIRET) == "siret" { // the standard wants a SIRET first, an RNA only without one
		assocPivot = a.SIRET
	} else if siret.ValidRNA(a.RNA) {
		assocPivot = siret.Normalize(a.RNA)
	}
	email := validEmail(a.Email)
	website := validURL(a.Website)
	assocID := Source + "--association"
	var assocSIRET string
	if siret.Kind(a.SIRET) == "siret" {
		assocSIRET = a.SIRET
	}
	if len([]rune(a.Name)) >= 3 {
		st := Structure{ID: assocID, Source: Source, Nom: trimName(a.Name), DateMaj: day(a.UpdatedAt), SIRET: assocSIRET,
			Telephone: e164(a.Phone), Courriel: email, SiteWeb: website, ReseauxPorteurs: a.Networks}
		if len([]rune(a.Description)) >= 5 {
			st.Description = a.Description
		}
		ds.Structures = append(ds.Structures, st)
	} else {
		assocID = ""
	}

	published := map[int64]place{}
	for _, p := range s.places {
		reason := ""
		pivot := p.Pivot
		if k := siret.Kind(pivot); k != "siret" && k != "rna" {
			pivot = assocPivot
		} else {
			pivot = siret.Normalize(pivot)
		}
		switch {
		case p.Country != "FR":
			reason = reasonAbroad
		case !check.Postcode("FR", p.Postcode):
			reason = reasonPostcode
		case strings.TrimSpace(p.Address) == "" || strings.TrimSpace(p.City) == "" || strings.TrimSpace(p.Name) == "":
			reason = reasonAddress
		case !pivotShape.MatchString(pivot):
			reason = reasonPivot
		}
		if reason != "" {
			ds.LeftOut = append(ds.LeftOut, LeftOut{Name: p.Name, Antenna: p.Antenna, Reason: reason})
			continue
		}
		published[p.ID] = p
		updated := latest(p.Updated, a.UpdatedAt)
		ds.Updated = latest(ds.Updated, updated)
		ds.Lieux = append(ds.Lieux, s.lieu(p, pivot, assocPivot, email, website, updated, base))

		st := Structure{ID: placeStructureID(p.ID), Source: Source, Nom: trimName(p.Name), DateMaj: day(updated),
			Adresse: p.Address, CodePostal: p.Postcode, Commune: p.City, Telephone: e164(p.Phone), Courriel: email,
			SiteWeb: website, HorairesAccueil: hours(p.Hours), AccessibiliteLieu: acceslibre(p.Access), ReseauxPorteurs: a.Networks}
		if siret.Kind(pivot) == "siret" {
			st.SIRET = pivot
		} else {
			st.SIRET = assocSIRET // the head office's, as data·inclusion allows
		}
		if desc := placeDescription(a.Name, p.Access); len([]rune(desc)) >= 5 {
			st.Description = desc
		}
		ds.Structures = append(ds.Structures, st)
	}

	for _, prog := range s.programmes {
		var at []place
		for _, id := range s.offered[prog.ID] {
			if p, ok := published[id]; ok {
				at = append(at, p)
			}
		}
		if len(at) == 0 && assocID != "" {
			// Not (yet) taught at a published place: the association offers it.
			sv := s.service(prog, assocID, Source+"--programme-"+itoa(prog.ID), base)
			sv.Telephone, sv.Courriel = e164(a.Phone), email
			sv.ModesMobilisation = mobilisation(sv)
			ds.Services = append(ds.Services, sv)
			ds.Updated = latest(ds.Updated, prog.Updated)
			continue
		}
		for _, p := range at {
			sv := s.service(prog, placeStructureID(p.ID), Source+"--programme-"+itoa(prog.ID)+"--lieu-"+itoa(p.ID), base)
			sv.Adresse, sv.CodePostal, sv.Commune = p.Address, p.Postcode, p.City
			sv.Telephone, sv.Courriel, sv.HorairesAccueil = e164(p.Phone), email, hours(p.Hours)
			sv.ModesMobilisation = mobilisation(sv)
			sv.DateMaj = day(latest(prog.Updated, p.Updated))
			ds.Services = append(ds.Services, sv)
			ds.Updated = latest(ds.Updated, prog.Updated)
		}
	}
	return ds
}

func itoa(n int64) string { return fmt.Sprint(n) }

func placeStructureID(id int64) string { return Source + "--lieu-" + itoa(id) }

// The lieux standard's "services" and data·inclusion's "thematiques" and "type", by
// programme level. The three basic levels are the national advisers' workshop
// levels (atelier); certifying courses of about 600 hours are trainings.
var (
	levelServices = map[string][]string{
		"debutant":      {"Maîtrise des outils numériques du quotidien"},
		"intermediaire": {"Maîtrise des outils numériques du quotidien"},
		"avance":        {"Maîtrise des outils numériques du quotidien", "Insertion professionnelle via le numérique"},
		"certifiant":    {"Insertion professionnelle via le numérique"},
	}
	levelThemes = map[string][]string{
		"debutant":      {"numerique--maitriser-les-fondamentaux-du-numerique"},
		"intermediaire": {"numerique--maitriser-les-fondamentaux-du-numerique", "numerique--acceder-a-des-services-en-ligne"},
		"avance":        {"numerique--acceder-a-des-services-en-ligne", "numerique--maitriser-les-fondamentaux-du-numerique"},
		"certifiant":    {"choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite"},
	}
	levelType = map[string]string{"debutant": "atelier", "intermediaire": "atelier", "avance": "atelier", "certifiant": "formation"}
	// The publics the association serves, as its registration form names them
	// (learners' situations rsa, young_unqualified, qpv, job_seeker, asylum): every
	// programme is open to all of them.
	publics = []string{"beneficiaires-des-minimas-sociaux", "jeunes", "residents-qpv-frr", "demandeurs-emploi", "personnes-exilees"}
)

const publicsDetail = "Personnes éloignées du numérique : bénéficiaires du RSA, jeunes de moins de 26 ans sans diplôme, " +
	"habitants des quartiers prioritaires, demandeurs d'emploi, personnes migrantes, réfugiées ou demandeuses d'asile."

func (s *source) lieu(p place, pivot, assocPivot, email, website string, updated time.Time, base string) Lieu {
	a := s.assoc
	l := Lieu{}
	set := func(k string, v ...string) {
		for _, x := range v {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(l[k], x) {
				l[k] = append(l[k], x)
			}
		}
	}
	set("id", "lieu-"+itoa(p.ID))
	set("pivot", pivot)
	set("nom", p.Name)
	set("commune", p.City)
	set("code_postal", p.Postcode)
	set("adresse", p.Address)
	if pivot == assocPivot {
		set("typologie", "ASSO") // run by the association itself
	}
	phone := frenchPhone(p.Phone)
	set("telephone", phone)
	set("courriels", email)
	set("site_web", website)
	set("horaires", hours(p.Hours))
	resume := clip(a.Description, 280)
	if sheet.Text(resume) != resume {
		resume = clip(a.Description, 279) // the CSV's guard adds a character
	}
	set("presentation_resume", resume)
	if p.Access != "" && acceslibre(p.Access) == "" {
		set("presentation_detail", "Accessibilité : "+p.Access)
	}
	set("source", a.Name)
	set("itinerance", "Fixe")
	set("structure_parente", a.Name)
	set("date_maj", day(updated))
	levels := s.levels[p.ID]
	for _, lv := range levels {
		set("services", levelServices[lv]...)
	}
	set("publics_specifiquement_adresses", "Jeunes")
	set("frais_a_charge", "Gratuit")
	if p.Hours != "" {
		set("modalites_acces", "Se présenter")
	}
	if phone != "" {
		set("modalites_acces", "Téléphoner")
	}
	if email != "" {
		set("modalites_acces", "Contacter par mail")
	}
	if len(levels) > 0 {
		set("modalites_accompagnement", "Dans un atelier collectif")
	}
	set("modalites_accompagnement", "Accompagnement individuel") // each learner has an adviser
	set("fiche_acces_libre", acceslibre(p.Access))
	return l
}

func (s *source) service(prog programme, structureID, id, base string) Service {
	desc := strings.TrimSpace(prog.Descr)
	if len([]rune(desc)) < 5 {
		desc = fmt.Sprintf("Formation gratuite de %d heures, en groupe.", prog.Hours)
	}
	sv := Service{ID: id, Source: Source, StructureID: structureID, Nom: trimName(prog.Title), Description: clip(desc, 10000),
		DateMaj: day(prog.Updated), Type: levelType[prog.Level], Thematiques: levelThemes[prog.Level],
		Publics: publics, PublicsPrecisions: publicsDetail, Frais: "gratuit", ModesAccueil: []string{"en-presentiel"},
		MobilisablePar: []string{"usagers", "professionnels"}}
	if base != "" {
		sv.LienSource = base + "/courses/" + itoa(prog.ID)
		sv.LienMobilisation = base + "/register"
		sv.MobilisationPrecis = "S'inscrire en ligne avec le formulaire, ou être orienté par un travailleur social. Un conseiller rappelle la personne."
	}
	if prog.Certifying {
		sv.ConditionsAcces = "Un entretien et un test de positionnement avant l'entrée en formation."
	}
	return sv
}

func mobilisation(sv Service) []string {
	var m []string
	if sv.Courriel != "" {
		m = append(m, "envoyer-un-courriel")
	}
	if sv.Telephone != "" {
		m = append(m, "telephoner")
	}
	if sv.LienMobilisation != "" {
		m = append(m, "utiliser-lien-mobilisation")
	}
	return m
}

// frenchPhone gives a number in the form the lieux standard accepts (+33 and
// overseas prefixes, no leading zero, no spaces), or "" when it cannot.
func frenchPhone(s string) string {
	p := e164(s)
	if phoneFR.MatchString(p) {
		return p
	}
	return ""
}

// e164 writes a phone number as +CCNNN…: a French national number (0X…) gets +33.
func e164(s string) string {
	p, _ := check.AnyPhone(s) // compact even when not of AnyPhone's shape
	switch {
	case strings.HasPrefix(p, "00"):
		p = "+" + p[2:]
	case len(p) == 10 && p[0] == '0':
		p = "+33" + p[1:]
	}
	if strings.HasPrefix(p, "+330") {
		p = "+33" + p[4:]
	}
	if phoneE164.MatchString(p) {
		return p
	}
	return ""
}

// hours keeps opening hours only in valid OpenStreetMap syntax, which both
// standards ask for.
func hours(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || openinghours.Validate(s) != nil {
		return ""
	}
	return s
}

// validEmail is s without surrounding spaces, as written (case kept), when
// check.Email takes it, and "" otherwise.
func validEmail(s string) string {
	if _, ok := check.Email(s); !ok {
		return ""
	}
	return strings.TrimSpace(s)
}

func validURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " |") {
		return ""
	}
	return s
}

// acceslibre returns the accessibility notes when they are only a link to the
// place's acceslibre page, which both standards have a field for.
func acceslibre(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "https://acceslibre.beta.gouv.fr/") && validURL(s) != "" {
		return s
	}
	return ""
}

func placeDescription(assoc, access string) string {
	var parts []string
	if assoc != "" {
		parts = append(parts, "Lieu de formation de "+assoc+".")
	}
	if access != "" && acceslibre(access) == "" {
		parts = append(parts, "Accessibilité : "+access)
	}
	return strings.Join(parts, " ")
}

// trimName keeps a name within data·inclusion's 150 characters, without a final
// full stop.
func trimName(s string) string {
	return strings.TrimRight(clip(strings.TrimSpace(s), 150), ".")
}

// clip shortens s to at most n characters, at a word boundary, with an ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

// Verbatim are the columns of the standard written as they are in the CSV: a
// number, a date, or text whose pattern in the schema admits no formula (a
// phone "+33…", a postcode, values of the standard's lists). Every other column
// is free text (a name, an address, a presentation) and is guarded against
// formulas like every export (sheet.Text); the schema puts no pattern on those,
// so the guarded file stays valid.
var Verbatim = map[string]bool{"pivot": true, "code_postal": true, "code_insee": true, "latitude": true, "longitude": true,
	"telephone": true, "itinerance": true, "date_maj": true, "services": true, "publics_specifiquement_adresses": true,
	"prise_en_charge_specifique": true, "frais_a_charge": true, "dispositif_programmes_nationaux": true, "formations_labels": true,
	"modalites_acces": true, "modalites_accompagnement": true}

// CSV writes the lieux as the standard's CSV: UTF-8, comma-separated, the
// header row being the field names in order.
func (ds *Dataset) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := sheet.NewWriter(&b, ',')
	w.Strings(LieuColumns)
	row := make([]any, len(LieuColumns))
	for _, l := range ds.Lieux {
		for i, v := range l.Cells() {
			if Verbatim[LieuColumns[i]] {
				row[i] = sheet.Raw(v)
			} else {
				row[i] = v
			}
		}
		w.Row(row...)
	}
	err := w.Flush()
	return b.Bytes(), err
}
