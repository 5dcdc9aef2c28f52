/**
 * A small, hand-written name dictionary used only to spot person names that appear with no
 * context at all ("Maria Garcia logged on"). Names in context (paths, `user=`, `Patient:`, HL7
 * PID) never need it. Drawn from common US given names and surnames (census-style frequency
 * lists, typed in by hand, not copied from any test data); kept modest on purpose: every entry
 * is a chance of a false positive. Given names that are also ordinary words (Will, Mark, Grant,
 * Chase, May, Rose, Ruby, Crystal, Jordan, Austin …) are left out.
 */
export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
  donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan
  jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander
  frank patrick raymond dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle ethan
  walter noah jeremy christian keith roger terry gerald harold sean carl arthur lawrence dylan jesse bryan
  billy bruce albert willie gabriel logan alan juan wayne elijah randy roy vincent ralph eugene russell
  bobby mason philip louis harry howard fred lisa mary patricia jennifer linda elizabeth barbara susan
  jessica sarah karen nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda
  melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela
  emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather diane
  ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl
  hannah jacqueline martha gloria teresa ann sara frances kathryn janice jean abigail alice judy sophia
  denise beverly danielle marilyn theresa diana brittany natalie isabella charlotte marie kayla alexis
  lori tammy tiffany monica erica yolanda wendy sylvia irene norma jasmine tracy kristen luis carlos jesus
  miguel pedro manuel francisco jorge alejandro ricardo fernando javier rafael sergio eduardo mario
  roberto andres diego antonio oscar raul ramon hector alberto enrique guadalupe rosa carmen ana lucia
  sofia valentina camila gabriela daniela mariana adriana veronica alejandra beatriz yesenia marisol
  esperanza guillermo arturo salvador rodrigo ignacio cristina lourdes graciela minh anh linh thanh tuan
  hoang nguyet huong phuong quang duc hung trang thao jian hui ming xiao mei fang yong mohammed muhammad
  ahmed ali hassan omar fatima aisha priya raj rahul anil sunil deepak amit neha pooja ravi sanjay vijay
  arjun krishna lakshmi hiroshi takashi yuki kenji akiko aaliyah jamal darnell deshawn latoya tyrone
  keisha shanice terrell jaylen malik imani ethel mildred dorothy gladys florence agnes edna bernice
  harvey clarence leonard herbert melvin marcus travis derek shane troy cody brett chad clint dustin
  garrett kurt lance lyle neil rodney todd caroline claire colleen constance darlene deanna elaine eleanor
  gwendolyn heidi jeanette jill joanne josephine kristin leslie loretta lucille marcia marlene maureen
  melanie meredith miriam naomi paula penelope priscilla rhonda roberta rosemary sheila stacy suzanne
  tamara vanessa vivian yvonne`
    .split(/\s+/).filter(Boolean),
);

/** Common US surnames, used together with a given name or a weak context only. */
export const SURNAMES: ReadonlySet<string> = new Set(
  `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez
  wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez
  lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker
  hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards
  collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey
  reed kelly howard ramos kim cox ward richardson watson brooks chavez bennett gray mendoza ruiz hughes
  price alvarez castillo sanders patel myers ross foster jimenez powell jenkins perry russell sullivan
  bell coleman butler henderson barnes gonzales fisher vasquez simmons romero patterson hamilton graham
  reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens
  murray castro marshall owens harrison fernandez mcdonald washington kennedy vargas chen freeman webb
  tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder dixon munoz
  hicks holmes palmer wagner black robertson boyd salazar warren meyer schmidt garza daniels ferguson
  nichols stephens soto weaver gardner dunn kelley spencer hawkins arnold pierce vazquez hansen peters
  santos hart bradley knight elliott cunningham duncan armstrong hudson carroll riley andrews alvarado ray
  delgado berry perkins hoffman johnston matthews pena richards contreras willis carpenter sandoval
  guerrero chapman rios estrada ortega watkins greene nunez wheeler valdez harper burke larson santiago
  maldonado morrison carlson dominguez carr lawson jacobs obrien lynch singh vega bishop montgomery jensen
  williamson sims espinoza howell li wong reid hanson mccoy garrett burton fuller wang weber welch rojas
  marquez yang padilla walsh bowman schultz luna fowler mejia davidson acosta brewer juarez newman pearson
  curtis cortez schneider barrett navarro figueroa keller avila wade molina stanley hopkins campos barnett
  bates chambers caldwell beck lambert miranda byrd craig ayala lowe frazier neal carrillo sutton fleming
  shelton schwartz norris jennings watts duran walters cohen mcdaniel moran parks steele vaughn becker
  holt deleon barker leon benson haynes horton lyons pham graves thornton wolfe warner cabrera mckinney
  mann zimmerman dawson lara fletcher mccarthy robles cervantes solis erickson reeves chang klein salinas
  fuentes baldwin velasquez higgins aguirre lin cummings chandler sharp barber bowen ochoa robbins liu
  ramsey griffith blair oconnor cardenas pacheco calderon quinn moss swanson chan rivas khan rodgers
  serrano fitzgerald rosales stevenson christensen manning curry mclaughlin harmon mcgee gross doyle
  garner newton burgess reese walton trujillo adkins brady goodman roman webster goodwin fischer huang
  potter delacruz montoya wu mullins castaneda malone cannon tate sherman hubbard hodges zhang guerra
  valencia saunders franco rowe gallagher farmer hammond hampton townsend ingram gallegos clarke barton
  schroeder maxwell camacho strickland mccormick ibarra huynh vo dang bui ngo duong truong dinh vu zhao
  zhou zhu hu guo xu lin gao luo zheng choi jung kang cho yoon jang lim shin seo kwon hwang ahn yoo hong
  jeon sato suzuki tanaka watanabe ito yamamoto nakamura kobayashi kato shah gupta sharma kumar mehta
  joshi desai reddy rao iyer`
    .split(/\s+/).filter(Boolean),
);

/**
 * Capitalised words that end a name in context ("Patient Portal", "CN=Domain Admins"): common
 * words of IT and clinical software. A name reader stops (or gives up) at one of these.
 */
export const NOT_NAME_WORDS: ReadonlySet<string> = new Set(
  `portal record records search lookup service services data name names information info list management
  manager chart note notes care center access account accounts admin admins administrator administrators
  application app apps database db server servers system systems module report reports export import sync
  queue table index id number file files folder directory group groups users user computers computer domain
  controllers controller operators policy policies settings security firewall windows microsoft linux update
  updates defender event events log logs error errors warning exception status success failure failed true
  false none null unknown default local network remote desktop client host cache config configuration summary
  total count version build release test demo sample example not found missing invalid the a an of and or to
  in on at by for from with without is was has have be been are were this that it its new old all any no yes
  record id mrn ssn dob phone fax email address street city state zip age sex gender male female birth date
  patient patients visit visits encounter admission discharge provider physician doctor nurse staff clinic
  hospital medical health insurance member policy plan billing payment claim claims lab labs result results
  order orders history allergy allergies medication medications diagnosis procedure appointment appointments
  scheduled schedule type class object key value values field fields message messages text string array
  request response session sessions login logon logoff token tokens role roles permission permissions
  task tasks job jobs process processes thread threads agent agents check checks rule rules runbook
  enabled disabled active inactive locked unlocked pending complete completed started stopped running
  monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun jan feb mar apr jun
  jul aug sep sept oct nov dec
  mr mrs ms miss dr md do rn np pa phd dds dvm jr sr ii iii iv esq your my our their his her hi hello customer customers sir madam team valued everyone all
  auditing microsoft-windows`
    .split(/\s+/).filter(Boolean),
);

/** Lower-case particles allowed inside a name ("Ludwig van Beethoven", "María de la Cruz"). */
export const NAME_PARTICLES: ReadonlySet<string> = new Set(['de', 'del', 'de la', 'la', 'le', 'van', 'von', 'der', 'den', 'da', 'di', 'du', 'dos', 'das', 'bin', 'ibn', 'al', 'el', 'y', 'st', 'st.', 'mac', 'ter']);
