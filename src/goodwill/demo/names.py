"""Word lists for demo people and companies: first names, surnames, companies, couriers."""

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Willow", "Freya", "Florence", "Emily", "Ella", "Poppy", "Evie", "Elsie", "Charlotte",
    "Evelyn", "Sienna", "Daisy", "Phoebe", "Sophie", "Alice", "Harper", "Matilda", "Ruby", "Emilia",
    "Maya", "Millie", "Isabelle", "Eva", "Chloe", "Aria", "Esme", "Jessica", "Lucy", "Hannah",
    "Zara", "Layla", "Nora", "Amira", "Aisha", "Fatima", "Priya", "Ananya", "Mei", "Yuki",
    "Chiara", "Lena", "Ines", "Maria", "Sofia", "Aoife", "Niamh", "Siobhan", "Catrin", "Megan",
    "Rachel", "Claire", "Helen", "Sarah", "Joanne", "Karen", "Linda", "Susan", "Julie", "Nicola",
    "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie", "Henry",
    "Theodore", "Freddie", "Jack", "Charlie", "Theo", "Alfie", "Jacob", "Thomas", "Finley", "Lucas",
    "Isaac", "Tommy", "Alexander", "James", "William", "Edward", "Joshua", "Max", "Samuel",
    "Daniel",
    "Ethan", "Mason", "Reuben", "Adam", "Logan", "Elijah", "Harrison", "Joseph", "Rory", "Ben",
    "Omar", "Yusuf", "Ibrahim", "Arjun", "Rohan", "Vikram", "Wei", "Hiroshi", "Mateo", "Luca",
    "Marco", "Pierre", "Jonas", "Lars", "Piotr", "Tomasz", "Ciaran", "Sean", "Callum", "Rhys",
    "David", "Mark", "Paul", "Andrew", "Richard", "Stephen", "Peter", "Michael", "Gary", "Simon",
    "Kwame", "Kofi", "Chidi", "Tunde", "Dev", "Sanjay", "Ravi", "Hamza", "Bilal", "Nathan",
)

LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis",
    "Rodriguez", "Cox", "Alexander", "Morgan", "Moore", "Mills", "King", "Hughes", "Edwards",
    "Hill", "Harris", "Martin", "Cooper", "Ward", "Turner", "Baker", "Parker", "Young", "Allen",
    "Scott", "Carter", "Shaw", "Bell", "Murphy", "Kelly", "O'Brien", "McCarthy", "Byrne", "Walsh",
    "Campbell", "Stewart", "Anderson", "MacDonald", "Reid", "Murray", "Fraser", "Ross", "Hamilton",
    "Singh", "Kaur", "Shah", "Ahmed", "Hussain", "Ali", "Begum", "Rahman", "Chowdhury", "Malik",
    "Nguyen", "Chen", "Wang", "Li", "Zhang", "Liu", "Tanaka", "Sato", "Kim", "Park",
    "Kowalski", "Nowak", "Novak", "Horvat", "Rossi", "Russo", "Bianchi", "Ferrari", "Garcia",
    "Martinez", "Lopez", "Fernandes", "Silva", "Santos", "Costa", "Oliveira", "Dubois", "Bernard",
    "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Jansen", "de Vries", "Bakker",
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Owusu", "Abiodun", "Nwosu", "Kamara", "Diallo",
    "Fletcher", "Chapman", "Barker", "Fox", "Holmes", "Lloyd", "Gibson", "Ellis", "Price",
    "Webb", "Hunt", "Palmer", "Marshall", "Dixon", "Knight", "Lawrence", "Grant", "Pearson",
)

# (name, domain): small firms that buy for their offices; domains are reserved for examples.
COMPANIES = (
    ("Northwind Traders", "northwind.example"),
    ("Bramble & Finch Architects", "brambleandfinch.example"),
    ("Copperleaf Dental", "copperleaf.example"),
    ("Harbourside Lettings", "harbourside.example"),
    ("Pennine Outdoor Co", "pennineoutdoor.example"),
    ("Quayside Coffee House", "quayside.example"),
    ("Redbrick Studios", "redbrick.example"),
    ("Saltmarsh Veterinary", "saltmarshvets.example"),
    ("Thistle Accountancy", "thistle.example"),
    ("Upland Yoga", "uplandyoga.example"),
    ("Willowbank Nursery", "willowbank.example"),
    ("Yarrow Print Works", "yarrowprint.example"),
    ("Alder Street Bakery", "alderbakery.example"),
    ("Beacon Physio", "beaconphysio.example"),
    ("Calder Valley Books", "caldervalley.example"),
    ("Driftwood Guest House", "driftwood.example"),
    ("Elmfield Primary PTA", "elmfieldpta.example"),
    ("Foxglove Florists", "foxglove.example"),
    ("Granite Legal LLP", "granitelegal.example"),
    ("Heron Marine Supplies", "heronmarine.example"),
)

EMAIL_DOMAINS = (
    "example.com", "example.net", "example.org", "mail.example", "post.example",
    "inbox.example", "home.example",
)

COURIERS = ("DPD", "Royal Mail", "Evri", "Parcelforce", "DHL")

LOCALES = ("en-GB", "en-GB", "en-GB", "en-GB", "en-GB", "en-GB", "en-IE", "en-US", "fr-FR", "de-DE")
