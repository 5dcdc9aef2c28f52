/**
 * Street suffixes (after USPS Publication 28, appendix C1: primary names and standard
 * abbreviations) and US state codes, for the street-address detector.
 *
 * COMMON suffixes make an address on their own ("12 Oak Street"); the rest ("Points", "Station",
 * "Key", "Run" …) are ordinary words in machine output too, so they count only when a unit
 * ("Apt 4"), a city/state/ZIP tail or an address label follows or precedes.
 */
export const COMMON_STREET_SUFFIXES = `street st str avenue ave av road rd drive dr lane ln boulevard blvd court ct place pl
  way circle cir terrace ter parkway pkwy highway hwy trail trl square sq crossing xing junction jct turnpike tpke
  pike expressway expy freeway fwy alley aly heights hts hollow holw ridge rdg manor mnr meadows mdws plaza plz
  crescent cres cove cv grove grv commons cmns causeway cswy bypass byp stravenue stra`.split(/\s+/);

export const OTHER_STREET_SUFFIXES = `branch brg bridge brk brook brooks burg burgs camp cp canyon cyn cape cpe center
  ctr centers circles cliff clf cliffs clfs club clb common corner cor corners cors course crse courts cts coves
  creek crk crest crst crossroad curve curv dale dl dam dm divide dv drives estate est estates ests extension ext
  extensions exts fall falls fls ferry fry field fld fields flds flat flt flats flts ford frd fords forest frst
  forge frg forges fork frk forks frks fort ft garden gdn gardens gdns gateway gtwy glen gln glens green grn
  greens groves harbor hbr harbors haven hvn hill hl hills hls inlet inlt island is islands iss isle junctions
  key ky keys kys knoll knl knolls knls lake lk lakes lks land landing lndg light lgt lights loaf lf lock lck
  locks lcks lodge ldg loop mall manors mews mill ml mills mls mission msn motorway mtwy mount mt mountain mtn
  mountains neck nck orchard orch oval overpass opas park parks parkways pass passage psge path pine pne pines
  pnes plain pln plains plns point pt points pts port prt ports prts prairie pr radial radl ramp ranch rnch
  rapid rpd rapids rpds rest rst ridges rdgs river riv roads rds route rte row rue run shoal shl shoals shls
  shore shr shores shrs skyway skwy spring spg springs spgs spur spurs squares sqs station sta stream strm
  streets summit smt terraces throughway trace trce track trak trafficway trfy tunnel tunl underpass upas union
  un unions valley vly valleys vlys via viaduct via view vw views vws village vlg villages ville vl vista vis
  walk walks wall ways well wl wells wls`.split(/\s+/);

export const US_STATE_CODES = `AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE
  NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP`.split(/\s+/);
