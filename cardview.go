package wubu

import (
	"slices"
	"strings"
)

// CardPart is a part of a resident's customer card. What each post sees
// and may change is the table postCardView: the minimum necessary for
// the post's work (PIPL Art. 6), enforced by the resident service.
type CardPart string

// Parts of the customer card.
const (
	CardName        CardPart = "name"         // name and gender
	CardRooms       CardPart = "rooms"        // homes and relation to them
	CardPlates      CardPart = "plates"       // vehicles
	CardPhoto       CardPart = "photo"        // the photo, to recognise the resident
	CardSafetyFlags CardPart = "safety_flags" // care flags that matter in an emergency (SafetyCareFlags)
	CardCareFlags   CardPart = "care_flags"   // every care flag (hardship, pregnancy)
	CardPhones      CardPart = "phones"       // masked; full with reveal.phone, audited
	CardIDNumber    CardPart = "id_number"    // masked; full with reveal.id, audited
	CardBirthday    CardPart = "birthday"     // month and day; the year only beside reveal.id
	CardProfile     CardPart = "profile"      // occupation, notes, importance, home alarm
	CardCards       CardPart = "cards"        // parking and access cards
	CardAppliances  CardPart = "appliances"   // household appliances (M2)
	CardSpecialDays CardPart = "special_days" // birthdays, weddings, … (D4)
	CardTimeline    CardPart = "timeline"     // contacts and changes (A3)
	CardOptOuts     CardPart = "opt_outs"     // the resident's notification opt-outs
)

// CardParts lists every part in the order the card shows them.
var CardParts = []CardPart{CardName, CardRooms, CardPlates, CardPhoto, CardSafetyFlags, CardCareFlags, CardPhones, CardIDNumber,
	CardBirthday, CardProfile, CardCards, CardAppliances, CardSpecialDays, CardTimeline, CardOptOuts}

// SafetyCareFlags are the care flags a guard needs in an emergency: who
// lives alone, who cannot walk out unaided.
var SafetyCareFlags = []CareFlag{CareElderlyAlone, CareMobility}

// CardView is what a member of staff sees on the customer card and may
// change there.
type CardView struct {
	See, Edit []CardPart
}

// postCardView is the table, for front-line staff and team leaders by
// their post. Customer service keeps the residents' archive; a guard
// recognises residents and their cars at the gate and knows who needs help
// in an emergency; a technician knows the home's appliances and records
// the contacts of a repair; a cleaner knows whom they serve.
var postCardView = map[Post]CardView{
	PostService: {See: CardParts, Edit: CardParts},
	PostSecurity: {
		// The timeline: the security post's own visits and advice land there.
		See:  []CardPart{CardName, CardRooms, CardPlates, CardPhoto, CardSafetyFlags, CardTimeline},
		Edit: []CardPart{CardPlates, CardPhoto},
	},
	PostMaintenance: {
		See:  []CardPart{CardName, CardRooms, CardPhones, CardSafetyFlags, CardAppliances, CardTimeline},
		Edit: []CardPart{CardAppliances, CardTimeline},
	},
	PostCleaning: {See: []CardPart{CardName, CardRooms, CardSafetyFlags}},
	PostNone:     {See: []CardPart{CardName, CardRooms}},
}

// CardView returns what the user sees and may change on the customer
// card: by post for staff and team leaders; everything for those who run
// a service centre; everything to read for the quality department.
func (u *User) CardView() CardView {
	switch {
	case u == nil || u.Disabled || !u.Can(PermResidentView):
		return CardView{}
	case u.Role == RoleStaff || u.Role == RoleTeamLeader:
		a := postCardView[u.Post]
		if !u.Can(PermResidentEdit) {
			a.Edit = nil
		}
		return a
	case u.Can(PermResidentEdit):
		return CardView{See: CardParts, Edit: CardParts}
	}
	return CardView{See: CardParts}
}

// Sees reports whether the user sees the part of the card.
func (u *User) Sees(p CardPart) bool {
	a := u.CardView()
	return slices.Contains(a.See, p) || p == CardSafetyFlags && slices.Contains(a.See, CardCareFlags)
}

// MayEdit reports whether the user may change the part of the card.
func (u *User) MayEdit(p CardPart) bool { return slices.Contains(u.CardView().Edit, p) }

// CheckCardEdit returns EFORBIDDEN unless the user may change every part.
func (u *User) CheckCardEdit(parts ...CardPart) error {
	for _, p := range parts {
		if !u.MayEdit(p) {
			return Errorf(EFORBIDDEN, "Your post may not change this part of the resident's record.")
		}
	}
	return nil
}

// PersonUpdateParts names the parts of the card an update changes.
func PersonUpdateParts(upd PersonUpdate) []CardPart {
	var parts []CardPart
	add := func(p CardPart, set bool) {
		if set && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	add(CardName, upd.Name != nil || upd.Gender != nil)
	add(CardPhones, upd.Phones != nil)
	add(CardIDNumber, upd.IDNumber != nil)
	add(CardBirthday, upd.Birthday != nil)
	add(CardProfile, upd.Occupation != nil || upd.Notes != nil || upd.Importance != nil || upd.ImportanceIndex != nil || upd.AlarmStatus != nil)
	add(CardCareFlags, upd.CareFlags != nil)
	return parts
}

// PersonParts names the parts of the card a new person fills in.
func PersonParts(p *Person) []CardPart {
	parts := []CardPart{CardName}
	add := func(part CardPart, set bool) {
		if set {
			parts = append(parts, part)
		}
	}
	add(CardPhones, len(p.Phones) > 0)
	add(CardIDNumber, p.IDNumber != "")
	add(CardBirthday, p.Birthday != "")
	add(CardProfile, p.Occupation != "" || p.Notes != "" || p.Importance != 0 || p.ImportanceIndex != 0 || p.AlarmStatus != "" && p.AlarmStatus != AlarmUnknown)
	add(CardCareFlags, len(p.CareFlags) > 0)
	return parts
}

// RedactPerson removes from a person, already masked, what the user may
// not see. Beside an ID number the birthday loses its year: digits 7–14 of
// an ID number are the birthday, and with its year a masked ID number
// (4503**********6132) leaves a handful of candidates. The year is read
// through RevealPersonField("birthday"), with the right to see the ID
// number, and audited.
func RedactPerson(u *User, p *Person) {
	if !u.Sees(CardName) {
		p.Name, p.Gender = "", ""
	}
	if !u.Sees(CardPhones) {
		p.Phones = []string{}
	}
	switch {
	case !u.Sees(CardBirthday):
		p.Birthday = ""
	case p.IDNumber != "":
		p.Birthday = WithoutYear(p.Birthday)
	}
	if !u.Sees(CardIDNumber) {
		p.IDNumber = ""
	}
	if !u.Sees(CardProfile) {
		p.Occupation, p.Notes, p.Importance, p.ImportanceIndex, p.AlarmStatus = "", "", 0, 0, AlarmUnknown
	}
	if !u.Sees(CardCareFlags) {
		flags := []CareFlag{}
		if u.Sees(CardSafetyFlags) {
			for _, f := range p.CareFlags {
				if slices.Contains(SafetyCareFlags, f) {
					flags = append(flags, f)
				}
			}
		}
		p.CareFlags = flags
	}
	if !u.Sees(CardPhoto) {
		p.HasPhoto = false
	}
}

// RedactLookup removes from a lookup hit what the user may not see, as on
// the card: the masked phone, care flags beyond the safety ones, plates.
func RedactLookup(u *User, r *LookupResult) {
	if !u.Sees(CardPhones) {
		r.Phone = ""
	}
	if !u.Sees(CardPlates) {
		r.Plates = []string{}
	}
	if !u.Sees(CardCareFlags) {
		flags := []CareFlag{}
		for _, f := range r.CareFlags {
			if u.Sees(CardSafetyFlags) && slices.Contains(SafetyCareFlags, f) {
				flags = append(flags, f)
			}
		}
		r.CareFlags = flags
	}
}

// RedactResident removes from a customer card what the user may not see,
// as RedactPerson; a birthday among the special days loses its year too.
func RedactResident(u *User, r *Resident) {
	hasID := r.IDNumber != ""
	RedactPerson(u, &r.Person)
	if !u.Sees(CardRooms) {
		r.Households = []*Household{}
	}
	if !u.Sees(CardPlates) {
		r.Vehicles = []*Vehicle{}
	}
	if !u.Sees(CardCards) {
		r.Cards = []*Card{}
	}
	if !u.Sees(CardAppliances) {
		r.Appliances = []*Appliance{}
	}
	if !u.Sees(CardSpecialDays) {
		r.SpecialDays, r.UpcomingDays = []*SpecialDay{}, []*SpecialDay{}
	} else if hasID {
		for _, d := range r.SpecialDays {
			if d.Kind == DayBirthday {
				d.Date = WithoutYear(d.Date)
			}
		}
	}
}

// WithoutYear returns the month and day of a date ("2006-01-02" →
// "01-02").
func WithoutYear(d Date) Date {
	if i := strings.IndexByte(d, '-'); i == 4 {
		return d[i+1:]
	}
	return d
}
