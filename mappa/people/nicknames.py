"""English given-name equivalence groups, of our own making, for person search.

Each line is one group of names that people use for one another (William, Bill, Will, Billy).
A name may sit in several groups (Chris is Christopher or Christine); `nickname_groups()` returns
every group a name belongs to, and two forenames are "nicknames of" each other when they share
a group. The canonical key of a group is its first name, used as a blocking key for search.
Names are in normalised form (lower case, no accents or punctuation).
"""

from functools import cache

_GROUPS = """
abigail abby abbie gail
abraham abe bram
adam addy
adrian ade
agnes aggie nessa nessie
albert al bert bertie
alexander alex alec alick sandy xander lex alexis
alexandra alex alexa lexie sandra sandy zandra
alfred alf alfie fred freddie
alice ali allie alison ally elsie
alistair alasdair alastair ali
amanda mandy manda
amelia millie amy mel
andrew andy drew andie
angela angie ange
anne ann annie anna nan nancy nanette hannah
anthony tony ant antony
archibald archie baldie
arnold arnie
arthur art artie
barbara barb barbie babs
barnaby barney
bartholomew bart bat
beatrice bea bee trixie beattie
benedict ben benny
benjamin ben benji benny
bernard bernie barney
bridget bridie biddy bee
callum cal
caroline carol carrie caz lina
catherine kate katie kathy cathy cath kat kit kitty katherine kathryn catriona caitlin kay
cecilia cissy cissie celia
charles charlie chas chuck chaz carl
charlotte lottie charlie lotte
christina chris chrissie tina kirsty christine kristina
christopher chris kit topher kris
clarence clarrie
claire clare
clifford cliff
colin col
cornelius con neil
cynthia cindy
cyril cy
daniel dan danny
david dave davy davie dai
deborah debbie debs deb
dennis den denny
derek del
desmond des
diana di diane
dominic dom
donald don donny
dorothy dot dottie dolly dora
douglas doug dougie
edith edie
edmund ed eddie ned ted
edward ed eddie ted teddy ned ward
eleanor ellie nell nora elle ella elinor elena
elizabeth liz lizzie beth betty bess bessie betsy eliza libby lisa liza elsie lily elspeth
emily em emmy millie
emma em emmie
eric rick ricky
ernest ernie
eugene gene
evelyn eve evie
florence flo florrie flossie
frances fran frankie fanny
francis frank frankie fran
frederick fred freddie freddy fritz
gabriel gabe gabby
gabrielle gabby gabi
geoffrey geoff jeff jeffrey
george georgie geordie
georgina georgie gina
gerald gerry jerry ged
geraldine gerry jerry dina
gertrude gertie trudy
gilbert gil bert
gordon gordie
gregory greg
gwendoline gwen wendy
harold harry hal
harriet hattie harry
henry harry hal hank
herbert herb bert
hilary hils
howard howie
hubert hugh bert
hugh hughie
isaac ike zak
isabel isabella izzy bella isobel bel
jacob jake jack
jacqueline jackie jacqui
james jim jimmy jamie jas jimbo
jane janey jenny jan
janet jan jenny jessie
jean jeanie
jennifer jen jenny jennie
jeremy jerry jez
jessica jess jessie
joan joanie
joanna jo joanne
john jack johnny jon jonny ian sean
jonathan jon jonny nathan
joseph joe joey jo
josephine jo josie jose
joshua josh
judith judy jude
julia jules julie
julian jules
karen kaz
katrina kat trina
kenneth ken kenny
kevin kev
kimberley kim kimmy
lauren laura lauri
lawrence laurence larry laurie lol
leonard len lenny leo
leslie les
lewis lew lou louis
louisa lou lulu louise
lucy lou lu lucille
luke lucas
madeline maddie maddy madeleine
malcolm mal mac
margaret peggy maggie meg marge margie madge greta rita molly mags maisie daisy megan peg
marian marion mary
marjorie marge margie
mark marc marky
martin marty
mary molly polly mae mamie may maria marie
matilda tilly tilda mattie maud
matthew matt matty
maureen mo
maurice mo morris
maxwell max
maximilian max
melissa mel missy lissa
michael mike mick micky mikey mickey
michelle shell chelle
mildred millie
nathaniel nat nate nathan
nicholas nick nicky nico
nicola nicky nikki
norman norm
oliver ollie noll
olivia liv livvy ollie
oswald oz ozzie
pamela pam
patricia pat patty trish tricia patsy
patrick pat paddy patsy
paul paulie
penelope penny
peter pete
philip phil pip
phillipa pippa pip philippa
rachel rach
raymond ray
rebecca becky becca bex
reginald reg reggie rex
richard rick ricky dick rich richie dickie
robert bob bobby rob robbie bert robin
roderick rod roddy
rodney rod
roger rodge
ronald ron ronnie
rosalind ros roz
rosemary rose rosie ro
rose rosie
ruth ruthie
samantha sam sammy
samuel sam sammy
sarah sally sal sadie sara
sebastian seb
sidney sid syd sydney
simon si
solomon sol
sophia sophie
stanley stan
stephanie steph stevie
stephen steve stevie steven
stuart stu stewart
susan sue susie suzy suzanne susanna
sylvia syl
terence terry tel
teresa terri tess tessa tracy theresa
theodore theo ted teddy
thomas tom tommy
timothy tim timmy
tobias toby
valerie val
victoria vicky vic tori
vincent vince vinny
violet vi
walter walt wally
wilfred wilf fred
william bill will billy willie liam wills bill
winifred winnie freda
yvonne vonnie
zachary zach zack zak
"""


@cache
def _index() -> dict[str, tuple[frozenset[str], ...]]:
    index: dict[str, list[frozenset[str]]] = {}
    for line in _GROUPS.strip().splitlines():
        group = frozenset(line.split())
        for name in group:
            index.setdefault(name, []).append(group)
    return {name: tuple(groups) for name, groups in index.items()}


@cache
def _keys() -> dict[str, str]:
    # The blocking key of a name: the first name of its first group.
    keys: dict[str, str] = {}
    for line in _GROUPS.strip().splitlines():
        words = line.split()
        for name in words:
            keys.setdefault(name, words[0])
    return keys


def nickname_groups(name: str) -> tuple[frozenset[str], ...]:
    """Every group the (normalised) name belongs to; empty if none."""
    return _index().get(name, ())


def are_nicknames(a: str, b: str) -> bool:
    """Whether two different normalised forenames are names for one another."""
    if not a or not b or a == b:
        return False
    return any(b in group for group in nickname_groups(a))


def nickname_key(name: str) -> str:
    """A blocking key shared by a name and its equivalents, or the name itself.

    A name in several groups gets the key of its first group only; search also looks up the
    keys of the other equivalents of the searched name (`equivalent_keys`).
    """
    return _keys().get(name, name)


def equivalent_keys(name: str) -> set[str]:
    """The keys of every name equivalent to `name`, itself included."""
    keys = {nickname_key(name)}
    for group in nickname_groups(name):
        keys |= {nickname_key(other) for other in group}
    return keys


def group_count() -> int:
    return len(_GROUPS.strip().splitlines())
