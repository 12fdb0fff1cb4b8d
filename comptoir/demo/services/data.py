"""What the demo dealership is made of: its people, its region, its lists, its catalogue and the
makes on its lot. Demo data is French by design (a Québec dealership), not translated."""

from dataclasses import dataclass

DEALER = {
    "dealer_legal_name": "Sports Motorisés Laurentides inc.",
    "dealer_trade_name": "Laurentides Sports & Auto",
    "dealer_address": "2055, boulevard du Curé-Labelle",
    "dealer_city": "Saint-Jérôme",
    "dealer_province": "QC",
    "dealer_postal_code": "J7Y 1M6",
    "dealer_phone": "450 436-2055",
    "dealer_email": "ventes@laurentidessports.ca",
    "dealer_website": "www.laurentidessports.ca",
    "gst_number": "784512963 RT0001",
    "qst_number": "1218459632 TQ0001",
    "dealer_permit": "OPC 104523",
}
STAFF_DOMAIN = "laurentidessports.ca"

LOCATIONS = [
    # code, name, name_en, name_pl, address, city, postal code, phone
    ("st-jerome", "Saint-Jérôme", "Saint-Jérôme", "Saint-Jérôme", "2055, boulevard du Curé-Labelle", "Saint-Jérôme",
     "J7Y 1M6", "450 436-2055"),
    ("mont-laurier", "Mont-Laurier", "Mont-Laurier", "Mont-Laurier", "1240, boulevard Albiny-Paquette",
     "Mont-Laurier", "J9L 1M1", "819 623-1240"),
]


@dataclass(frozen=True)
class Seller:
    """A salesperson and how they sell: `skill` multiplies their chance to win a deal, `email` is how
    often they take a valid email, `share` their part of the floor's traffic, `since` the months
    they have been with the dealer (a new hire has a shorter history)."""

    first_name: str
    last_name: str
    location: str
    skill: float
    email: float
    share: float
    used: float = 0.35  # the part of their deals that are used vehicles
    since: int = 18


MANAGERS = [("Martin", "Lapointe", "st-jerome"), ("Isabelle", "Gauthier", "mont-laurier")]
SELLERS = [
    Seller("Marc-André", "Tremblay", "st-jerome", skill=1.30, email=0.91, share=1.35),
    Seller("Julie", "Bergeron", "st-jerome", skill=1.15, email=0.86, share=1.15),
    Seller("Kevin", "Gagnon", "st-jerome", skill=0.72, email=0.60, share=1.0),
    Seller("Sophie", "Lavoie", "st-jerome", skill=1.05, email=0.80, share=1.0),
    Seller("Jean-François", "Côté", "st-jerome", skill=0.92, email=0.69, share=1.05, used=0.75),
    Seller("Mélanie", "Ouellet", "st-jerome", skill=0.86, email=0.94, share=0.8, since=7),
    Seller("Steve", "Lachance", "mont-laurier", skill=1.12, email=0.64, share=1.1),
    Seller("Émilie", "Saint-Pierre", "mont-laurier", skill=0.97, email=0.83, share=0.9),
    Seller("Patrick", "Ménard", "mont-laurier", skill=0.70, email=0.71, share=0.8, used=0.55),
    Seller("Karine", "Dubé", "mont-laurier", skill=1.0, email=0.78, share=0.85),
]
FINANCE = ("Nathalie", "Roy", "st-jerome")
RECEPTION = ("Chantal", "Boucher", "st-jerome")
ADMIN_NAME = ("Richard", "Paquette")

# --- Lists ----------------------------------------------------------------------------------------

# The default lists (core migration 0002) keep their codes; the demo adds what a dealership uses.
SOURCES_ADDED = [
    ("facebook", "Facebook", "Facebook", "Facebook"),
    ("kijiji", "Kijiji", "Kijiji", "Kijiji"),
    ("autohebdo", "AutoHebdo", "AutoHebdo", "AutoHebdo"),
    ("walk_in", "Passant", "Walk-in", "Klient z ulicy"),
]
LOST_REASONS_ADDED = [
    ("trade_value", "Valeur d'échange insuffisante", "Trade-in value too low", "Za niska wartość wymiany"),
    ("delivery_delay", "Délai de livraison", "Delivery delay", "Termin dostawy"),
    ("postponed", "Achat reporté", "Purchase postponed", "Zakup odłożony"),
]
COMPETITORS = [
    ("marine-levis", "Marine Lévis", "Marine Lévis", "Marine Lévis"),
    ("sports-ste-foy", "Sports Ste-Foy", "Sports Ste-Foy", "Sports Ste-Foy"),
    ("achat-prive", "Achat entre particuliers", "Private sale", "Sprzedaż prywatna"),
    ("riviere-du-nord", "Motos Rivière-du-Nord", "Motos Rivière-du-Nord", "Motos Rivière-du-Nord"),
    ("laval-auto", "Concessionnaire de Laval", "Laval dealer", "Dealer z Laval"),
]
TAGS = [("vip", "Client VIP", "VIP customer", "Klient VIP"),
        ("flotte", "Flotte / entreprise", "Fleet / business", "Flota / firma"),
        ("pourvoirie", "Pourvoirie", "Outfitter", "Ośrodek łowiecki")]

# Source → (share of new customers, chance to win a vehicle deal, media it comes through with weights).
SOURCES = {
    "website": (17, 0.27, {"web_form": 7, "email": 3}),
    "facebook": (14, 0.20, {"web_form": 5, "email": 3, "phone": 2}),
    "kijiji": (8, 0.13, {"email": 6, "phone": 4}),
    "autohebdo": (5, 0.18, {"email": 5, "web_form": 5}),
    "referral": (12, 0.50, {"in_store": 6, "phone": 4}),
    "trade_show": (7, 0.33, {"event": 1}),
    "walk_in": (19, 0.44, {"in_store": 1}),
    "existing_customer": (10, 0.55, {"in_store": 6, "phone": 4}),
    "advertising": (5, 0.28, {"phone": 6, "in_store": 4}),
    "social_media": (3, 0.22, {"web_form": 1}),
}
# Powersports shows: the « Salon » source brings people in these months only.
SHOW_MONTHS = {2, 3, 10, 11}

# Lost reasons (code → weight), by how far the deal went.
LOST_EARLY = {"no_news": 45, "not_interested": 25, "postponed": 15, "bought_elsewhere": 10, "other": 5}
LOST_LATE = {"price": 32, "bought_elsewhere": 22, "financing_refused": 14, "trade_value": 12, "no_news": 8,
             "delivery_delay": 7, "other": 5}
LOST_SERVICE = {"price": 50, "not_interested": 30, "no_news": 20}

# --- Pipelines -----------------------------------------------------------------------------------

NEW, USED, SERVICE = "VN", "VO", "PS"
PIPELINES = {
    NEW: ("Véhicules neufs", True, ["Nouveau", "Premier contact", "Rendez-vous", "Essai routier", "Proposition",
                                    "Négociation", "Livraison"]),
    USED: ("Véhicules d'occasion", True, ["Nouveau", "Premier contact", "Rendez-vous", "Essai routier",
                                          "Proposition", "Livraison"]),
    SERVICE: ("Pièces et service", False, ["Demande", "Estimation", "Rendez-vous atelier"]),
}
PROPOSAL = "Proposition"  # the stage where a quote is made

# --- Catalogue ------------------------------------------------------------------------------------

SNOW, ATV, SXS, WATER, ROAD, CAR = "neige", "vtt", "cote", "eau", "route", "auto"
# Month → weight of each kind of vehicle sold: snowmobiles in the fall, watercraft in the spring.
SEASONS = {
    1: {SNOW: 6, ATV: 2, SXS: 2, WATER: 0.3, ROAD: 0.2},
    2: {SNOW: 4, ATV: 2, SXS: 2, WATER: 1.5, ROAD: 0.5},
    3: {SNOW: 2, ATV: 3, SXS: 3, WATER: 3, ROAD: 1.5},
    4: {SNOW: 1.5, ATV: 4, SXS: 4, WATER: 4, ROAD: 3},
    5: {SNOW: 0.5, ATV: 4, SXS: 4, WATER: 5, ROAD: 3},
    6: {SNOW: 0.3, ATV: 4, SXS: 4, WATER: 4, ROAD: 2.5},
    7: {SNOW: 0.5, ATV: 3, SXS: 3, WATER: 2.5, ROAD: 1.5},
    8: {SNOW: 2, ATV: 3, SXS: 3, WATER: 1, ROAD: 1},
    9: {SNOW: 4, ATV: 4, SXS: 4, WATER: 0.5, ROAD: 0.7},
    10: {SNOW: 6, ATV: 4, SXS: 3, WATER: 0.3, ROAD: 0.3},
    11: {SNOW: 7, ATV: 2, SXS: 2, WATER: 0.2, ROAD: 0.2},
    12: {SNOW: 6, ATV: 2, SXS: 2, WATER: 0.3, ROAD: 0.2},
}
# Month → the floor's traffic.
TRAFFIC = {1: 0.75, 2: 0.85, 3: 1.0, 4: 1.3, 5: 1.35, 6: 1.15, 7: 0.95, 8: 0.9, 9: 1.1, 10: 1.2, 11: 1.1, 12: 0.8}


@dataclass(frozen=True)
class Model:
    """A model the dealer sells new: its catalogue code and price, and how its VIN begins (world
    manufacturer identifier and vehicle descriptor; Sea-Doo has a hull number instead)."""

    code: str
    name: str
    make: str
    kind: str
    price: str
    cost: str
    wmi: str
    vds: str
    colours: tuple = ("Noir", "Blanc", "Rouge")


MODELS = [
    Model("SKI-MXZ-600", "Ski-Doo MXZ Sport 600 EFI", "Ski-Doo", SNOW, "13299.00", "11440.00", "2BP", "SKBEA",
          ("Jaune", "Noir", "Blanc")),
    Model("SKI-REN-850", "Ski-Doo Renegade X-RS 850 E-TEC", "Ski-Doo", SNOW, "22499.00", "19350.00", "2BP", "SKCRA",
          ("Noir", "Jaune néon")),
    Model("SKI-SUM-850", "Ski-Doo Summit X 850 E-TEC Turbo R", "Ski-Doo", SNOW, "25999.00", "22360.00", "2BP",
          "SKDTB", ("Bleu", "Noir")),
    Model("SKI-EXP-900", "Ski-Doo Expedition SE 900 ACE", "Ski-Doo", SNOW, "21799.00", "18750.00", "2BP", "SKEXA",
          ("Noir", "Vert Boréal")),
    Model("SKI-TUN-600", "Ski-Doo Tundra LE 600 EFI", "Ski-Doo", SNOW, "15299.00", "13160.00", "2BP", "SKFTA",
          ("Noir", "Orange")),
    Model("SKI-SKA-900", "Ski-Doo Skandic SWT 900 ACE", "Ski-Doo", SNOW, "20999.00", "18060.00", "2BP", "SKGSA",
          ("Noir", "Jaune")),
    Model("CAN-OUT-700", "Can-Am Outlander 700", "Can-Am", ATV, "12999.00", "11050.00", "3JB", "LGAT4",
          ("Vert", "Noir", "Rouge")),
    Model("CAN-OUT-1000", "Can-Am Outlander XT 1000R", "Can-Am", ATV, "19999.00", "17000.00", "3JB", "LKAX8",
          ("Gris", "Camouflage")),
    Model("CAN-DEF-HD9", "Can-Am Defender DPS HD9", "Can-Am", SXS, "22499.00", "19120.00", "3JB", "KAAR9",
          ("Vert", "Gris")),
    Model("CAN-COM-XT", "Can-Am Commander XT 1000R", "Can-Am", SXS, "27999.00", "23800.00", "3JB", "KEAX1",
          ("Noir", "Rouge")),
    Model("CAN-MAV-X3", "Can-Am Maverick X3 RS Turbo RR", "Can-Am", SXS, "38999.00", "33150.00", "3JB", "VNAX2",
          ("Blanc", "Rouge Vipère")),
    Model("CAN-RYK-600", "Can-Am Ryker 600", "Can-Am", ROAD, "12499.00", "10750.00", "2BX", "JAGA2",
          ("Noir", "Blanc")),
    Model("CAN-SPY-RT", "Can-Am Spyder RT Limited", "Can-Am", ROAD, "36999.00", "31820.00", "2BX", "EJDD3",
          ("Bleu", "Noir")),
    Model("SEA-SPARK-90", "Sea-Doo Spark 90", "Sea-Doo", WATER, "8999.00", "7740.00", "YDV", "",
          ("Blanc", "Bleu")),
    Model("SEA-GTI-130", "Sea-Doo GTI SE 130", "Sea-Doo", WATER, "14599.00", "12560.00", "YDV", "",
          ("Noir", "Bleu")),
    Model("SEA-RXPX-325", "Sea-Doo RXP-X 325", "Sea-Doo", WATER, "23299.00", "20040.00", "YDV", "",
          ("Jaune", "Noir")),
    Model("SEA-FISH-170", "Sea-Doo FishPro Trophy 170", "Sea-Doo", WATER, "25499.00", "21930.00", "YDV", "",
          ("Gris", "Vert")),
    Model("POL-SPO-570", "Polaris Sportsman 570 EPS", "Polaris", ATV, "11499.00", "9890.00", "4XA", "SDE57",
          ("Vert sauge", "Rouge")),
    Model("POL-RZR-XP", "Polaris RZR XP 1000 Ultimate", "Polaris", SXS, "32999.00", "28380.00", "3NS", "NAE99",
          ("Blanc", "Bleu")),
    Model("POL-RAN-1000", "Polaris Ranger XP 1000 Premium", "Polaris", SXS, "28499.00", "24510.00", "4XA",
          "TAE1A", ("Vert", "Gris")),
    Model("YAM-GRIZ-700", "Yamaha Grizzly EPS 700", "Yamaha", ATV, "14199.00", "12210.00", "5Y4", "AM65Y",
          ("Vert tactique", "Gris")),
    Model("YAM-MT-07", "Yamaha MT-07", "Yamaha", ROAD, "10499.00", "9030.00", "JYA", "RM35E", ("Noir", "Bleu")),
    Model("KAW-BRUTE-750", "Kawasaki Brute Force 750 EPS", "Kawasaki", ATV, "13499.00", "11610.00", "JKA",
          "VFDA1", ("Vert", "Noir")),
    Model("KAW-NINJA-650", "Kawasaki Ninja 650", "Kawasaki", ROAD, "9899.00", "8510.00", "JKA", "EXEK4",
          ("Vert Lime", "Noir")),
    Model("HON-RANCH-420", "Honda FourTrax Rancher 420", "Honda", ATV, "9799.00", "8430.00", "1HF", "TE40D",
          ("Rouge", "Vert")),
    Model("HON-FOREMAN", "Honda Foreman Rubicon 520", "Honda", ATV, "13099.00", "11270.00", "1HF", "TE52M",
          ("Rouge", "Camouflage")),
]


@dataclass(frozen=True)
class UsedModel:
    """A model seen on the used lot and taken in trade: new price of its time, yearly kilometres."""

    make: str
    model: str
    kind: str
    new_price: int
    wmi: str
    vds: str
    km_per_year: int | None


USED_MODELS = [
    UsedModel("Ski-Doo", "MXZ TNT 600R E-TEC", SNOW, 15500, "2BP", "SKBCB", 2200),
    UsedModel("Ski-Doo", "Renegade Adrenaline 900 ACE", SNOW, 16500, "2BP", "SKCAD", 2500),
    UsedModel("Polaris", "850 Switchback Assault", SNOW, 17500, "SN1", "DEF8P", 2400),
    UsedModel("Arctic Cat", "Riot 8000", SNOW, 17000, "4UF", "20MPX", 2300),
    UsedModel("Yamaha", "Sidewinder L-TX GT", SNOW, 19500, "JYE", "8JP00", 2600),
    UsedModel("Can-Am", "Outlander 570 XT", ATV, 11500, "3JB", "LGAT5", 1400),
    UsedModel("Honda", "FourTrax Foreman 4x4", ATV, 10500, "1HF", "TE35A", 1200),
    UsedModel("Yamaha", "Grizzly 700 EPS", ATV, 13000, "5Y4", "AM17Y", 1500),
    UsedModel("Polaris", "RZR 900", SXS, 19000, "3NS", "VAE87", 1800),
    UsedModel("Kawasaki", "Brute Force 750", ATV, 12000, "JKA", "VFDA2", 1300),
    UsedModel("Sea-Doo", "GTI 130", WATER, 13000, "YDV", "", None),
    UsedModel("Yamaha", "VX Cruiser", WATER, 14000, "YAM", "", None),
    UsedModel("Harley-Davidson", "Street Glide", ROAD, 32000, "1HD", "1KBC1", 4500),
    UsedModel("Ford", "F-150 XLT SuperCrew", CAR, 62000, "1FT", "FW1E5", 21000),
    UsedModel("Toyota", "RAV4 LE AWD", CAR, 36000, "2T3", "BFREV", 18000),
    UsedModel("Honda", "Pilot EX-L", CAR, 52000, "5FN", "YF6H5", 19000),
    UsedModel("Honda", "CR-V EX", CAR, 38000, "2HK", "RW2H5", 18000),
    UsedModel("Ram", "1500 Big Horn", CAR, 58000, "1C6", "SRFFT", 22000),
    UsedModel("Chevrolet", "Silverado 1500 LT", CAR, 59000, "3GC", "UYDED", 21000),
    UsedModel("Toyota", "Tacoma TRD Off-Road", CAR, 50000, "3TM", "CZ5AN", 17000),
]

# code, name, series, price, cost, kinds it goes with ("*" all), tax class
ACCESSORIES = [
    ("ACC-CASQUE-MOD", "Casque modulaire à visière chauffante", "Accessoires", "449.00", "250.00", {SNOW}),
    ("ACC-CASQUE-HR", "Casque hors route", "Accessoires", "289.00", "160.00", {ATV, SXS, ROAD}),
    ("ACC-TREUIL", "Treuil 3500 lb", "Accessoires", "549.99", "310.00", {ATV, SXS}),
    ("ACC-LINQ", "Coffre arrière LinQ 124 L", "Accessoires", "649.00", "380.00", {ATV, SNOW}),
    ("ACC-PAREBRISE", "Pare-brise haut", "Accessoires", "429.00", "240.00", {SNOW, ROAD, SXS}),
    ("ACC-TOIT", "Toit rigide", "Accessoires", "1199.00", "720.00", {SXS}),
    ("ACC-CHENILLES", "Système de chenilles Apache", "Accessoires", "5499.00", "3900.00", {ATV, SXS}),
    ("ACC-HOUSSE", "Housse de transport", "Accessoires", "329.00", "170.00", {SNOW, WATER, ROAD}),
    ("ACC-VESTES", "Vestes de flottaison (2)", "Accessoires", "258.00", "130.00", {WATER}),
    ("ACC-REMORQUE-EAU", "Remorque pour motomarine", "Accessoires", "2299.00", "1700.00", {WATER}),
    ("ACC-REMORQUE", "Remorque utilitaire 5 x 8", "Accessoires", "1899.00", "1350.00", {ATV, SNOW, SXS}),
    ("ACC-PNEUS-HIVER", "Pneus d'hiver montés sur jantes", "Accessoires", "1399.00", "900.00", {CAR}),
    ("ACC-DEMARREUR", "Démarreur à distance", "Accessoires", "499.00", "260.00", {CAR}),
]
FEES = [
    ("FRAIS-TRANSPORT-PDI", "Transport et préparation (PDI)", "Frais", "1295.00", "760.00", "standard"),
    ("FRAIS-ADMIN", "Frais d'administration", "Frais", "395.00", "0.00", "standard"),
    ("FRAIS-SAAQ", "Droits d'immatriculation (SAAQ)", "Frais", "285.00", "285.00", "exempt"),
]
WARRANTIES = [
    ("FI-BEST-36", "Protection prolongée B.E.S.T. 36 mois", "F&I", "1295.00", "560.00", "standard"),
    ("FI-GARANTIE-24", "Garantie prolongée 24 mois (occasion)", "F&I", "1095.00", "450.00", "standard"),
    ("FI-REMPLACEMENT", "Assurance remplacement", "F&I", "895.00", "310.00", "standard"),
    ("FI-ANTIROUILLE", "Traitement antirouille", "F&I", "549.00", "120.00", "standard"),
]
# The desk (issue 26): fees added by default to the pipelines named, F&I products and rebates
# (kind, name, price, cost, taxable, after tax, default in pipelines).
DESK_ITEMS = [
    ("fee", "Transport et préparation (PDI)", "1295.00", "760.00", True, False, (NEW,)),
    ("fee", "Frais d'administration", "395.00", "0.00", True, False, (NEW, USED)),
    ("fee", "Droit sur les pneus neufs", "12.00", "12.00", True, False, ()),
    ("fee", "Inscription au RDPRM", "89.00", "89.00", False, False, (NEW, USED)),
    ("product", "Protection prolongée B.E.S.T. 36 mois", "1295.00", "560.00", True, False, ()),
    ("product", "Garantie prolongée 24 mois (occasion)", "1095.00", "450.00", True, False, ()),
    ("product", "Assurance remplacement", "895.00", "310.00", True, False, ()),
    ("product", "Traitement antirouille", "549.00", "120.00", True, False, ()),
    ("rebate", "Rabais du fabricant", "500.00", "0.00", True, False, ()),
    ("rebate", "Rabais fidélité", "250.00", "0.00", True, True, ()),
]
# Lenders' programs: (lender, program, kind, condition, makes, {term: (APR, {km: residual %})}, excess-km $)
BRP = "Ski-Doo, Sea-Doo, Can-Am"
LENDER_PROGRAMS = [
    ("Desjardins", "Financement véhicules neufs", "finance", "new", "",
     {48: ("5.99", {}), 60: ("6.49", {}), 72: ("6.99", {}), 84: ("7.49", {}), 96: ("7.99", {})}, "0"),
    ("Banque Nationale", "Financement d'occasion", "finance", "used", "",
     {36: ("7.99", {}), 48: ("8.49", {}), 60: ("8.99", {}), 72: ("9.49", {})}, "0"),
    ("BRP Finance", "Promo BRP 2,99 %", "finance", "new", BRP,
     {36: ("2.99", {}), 48: ("3.49", {}), 60: ("3.99", {}), 72: ("4.99", {})}, "0"),
    ("BRP Finance", "Location BRP", "lease", "new", BRP,
     {24: ("4.49", {12000: "68", 16000: "65", 20000: "62", 24000: "59"}),
      36: ("4.99", {12000: "58", 16000: "55", 20000: "52", 24000: "49"}),
      48: ("5.49", {12000: "49", 16000: "46", 20000: "43", 24000: "40"})}, "0.15"),
    ("Desjardins", "Location véhicules neufs", "lease", "new", "",
     {24: ("5.99", {12000: "64", 16000: "61", 20000: "58", 24000: "55"}),
      36: ("6.29", {12000: "54", 16000: "51", 20000: "48", 24000: "45"}),
      48: ("6.49", {12000: "45", 16000: "42", 20000: "39", 24000: "36"})}, "0.12"),
]
# Parts and service: (catalogue code, name, price, cost, kinds it is for)
SERVICES = [
    ("SRV-MAP-NEIGE", "Mise au point de motoneige", "349.00", "140.00", {SNOW}),
    ("SRV-ENTRETIEN-VTT", "Entretien VTT 50 heures", "289.00", "115.00", {ATV, SXS}),
    ("SRV-REMISAGE", "Remisage d'automne (motomarine)", "399.00", "150.00", {WATER}),
    ("SRV-CHENILLES", "Pose de chenilles", "450.00", "160.00", {ATV, SXS}),
    ("SRV-PNEUS", "Changement et pose de pneus", "180.00", "60.00", {CAR, ATV}),
    ("SRV-INSPECTION", "Inspection mécanique", "149.00", "50.00", {CAR, ROAD}),
    ("PIE-COURROIE", "Courroie d'entraînement et pose", "420.00", "230.00", {SNOW, SXS}),
    ("PIE-LISSES", "Lisses et carbures", "310.00", "160.00", {SNOW}),
    ("SRV-CARROSSERIE", "Réparation de carrosserie", "2400.00", "1450.00", {SNOW, ATV, SXS, ROAD}),
]

# --- The region ------------------------------------------------------------------------------------

# City, first three characters of its postal codes, weight; per location.
CITIES = {
    "st-jerome": [
        ("Saint-Jérôme", ("J7Y", "J7Z", "J5L"), 22), ("Prévost", ("J0R",), 6), ("Sainte-Sophie", ("J5J",), 6),
        ("Saint-Colomban", ("J7K",), 6), ("Mirabel", ("J7J", "J7N"), 9), ("Sainte-Adèle", ("J8B",), 5),
        ("Saint-Sauveur", ("J0R",), 4), ("Val-David", ("J0T",), 3), ("Sainte-Agathe-des-Monts", ("J8C",), 5),
        ("Saint-Hippolyte", ("J8A",), 4), ("Blainville", ("J7C", "J7B"), 6), ("Sainte-Thérèse", ("J7E",), 4),
        ("Lachute", ("J8H",), 4), ("Laval", ("H7N", "H7L", "H7P"), 5), ("Montréal", ("H1E", "H2M", "H4N"), 3),
        ("Saint-Lin–Laurentides", ("J5M",), 3), ("Mont-Tremblant", ("J8E",), 3),
    ],
    "mont-laurier": [
        ("Mont-Laurier", ("J9L",), 30), ("Ferme-Neuve", ("J0W",), 8), ("Lac-des-Écorces", ("J0W",), 5),
        ("Rivière-Rouge", ("J0T",), 7), ("Maniwaki", ("J9E",), 6), ("Lac-Saguay", ("J0W",), 2),
        ("Notre-Dame-du-Laus", ("J0X",), 3), ("Kiamika", ("J0W",), 2), ("Mont-Tremblant", ("J8E",), 3),
    ],
}
STREETS = [
    "rue Principale", "rue Saint-Georges", "boulevard des Laurentides", "rue Labelle", "rue de la Gare",
    "rue des Érables", "rue du Curé-Labelle", "rue de la Madone", "chemin du Lac-des-Îles", "rue Saint-Vincent",
    "rue Castonguay", "rue Latour", "rue des Pins", "rue des Bouleaux", "rue du Domaine", "montée Gagnon",
    "chemin de la Rivière", "rue des Merisiers", "rue de l'Église", "chemin du Lac-Paré", "rue Saint-Joseph",
    "rue Notre-Dame", "chemin des Hauteurs", "rue des Cèdres", "rue du Boisé", "rang Sainte-Marguerite",
    "chemin du Lac-Cornu", "rue Montcalm", "rue Laviolette", "avenue du Parc", "rue des Tilleuls",
    "chemin de la Montagne", "rue Desjardins", "rue Villeneuve", "rue du Moulin", "chemin du Lac-Nominingue",
]
# Area codes per location, with the exchanges of the region (never 555, the fictional one).
AREA_CODES = {
    "st-jerome": {"450": 62, "579": 14, "514": 10, "438": 8, "819": 3, "418": 2, "581": 1},
    "mont-laurier": {"819": 78, "873": 14, "450": 5, "418": 2, "581": 1},
}
EXCHANGES = {
    "450": ("431", "432", "436", "438", "504", "530", "560", "565", "569", "592", "602", "660", "712", "744",
            "745", "848", "224", "227", "563", "229"),
    "579": ("252", "350", "600", "721", "888"),
    "514": ("240", "272", "287", "355", "374", "481", "522", "593", "721", "892"),
    "438": ("380", "381", "387", "830", "882"),
    "819": ("440", "499", "587", "597", "623", "660", "681", "686", "275", "321"),
    "873": ("288", "353", "354"),
    "418": ("622", "623", "627", "666", "683"),
    "581": ("305", "308", "997"),
}
EMAIL_DOMAINS = {"gmail.com": 34, "hotmail.com": 19, "videotron.ca": 12, "outlook.com": 8, "cgocable.ca": 7,
                 "yahoo.ca": 6, "bell.net": 5, "sympatico.ca": 4, "icloud.com": 3, "live.ca": 2}

# --- Names -----------------------------------------------------------------------------------------

MEN = (
    "Jean Pierre Michel Luc Marc André François Stéphane Sylvain Martin Patrick Éric Daniel Alain Mario Yves "
    "Sébastien Mathieu Maxime Simon Alexandre Jonathan Guillaume Olivier Samuel William Gabriel Félix Antoine "
    "Nicolas Louis Vincent Dominic Jean-François Jean-Philippe Marc-André Pierre-Luc Jean-Sébastien Benoît "
    "Réjean Gaétan Normand Denis Serge Claude Richard Raymond Gilles Jacques Frédéric Hugo Jérôme Kevin Steve "
    "Charles Émile Thomas Raphaël Zachary Xavier Philippe Étienne Julien Nathan Loïc Jérémie Tommy Danny Carl "
    "Yannick Francis Michaël Ghislain Rémi Bruno Christian Germain Mathis Noah Léo Marcel Roger Donald Jocelyn"
).split()
WOMEN = (
    "Marie Nathalie Isabelle Julie Sylvie Chantal Josée Manon Johanne Lucie Line Sophie Mélanie Caroline "
    "Geneviève Valérie Catherine Annie Karine Stéphanie Marie-Ève Marie-Claude Marie-Pier Anne-Marie Émilie "
    "Audrey Véronique Mélissa Vanessa Jessica Camille Léa Chloé Rosalie Florence Laurence Océane Sarah Noémie "
    "Maude Andrée-Anne Roxanne Kim Joanie Ginette Francine Diane Lise Hélène Monique Nicole Louise Danielle "
    "Suzanne Guylaine Brigitte Martine Nancy Marilyne Amélie Myriam Élise Justine Gabrielle Béatrice Maëlle Jade "
    "Alexandra Patricia Élodie Josianne"
).split()
SURNAMES = (
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque "
    "Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Lapointe "
    "Leclerc Lefebvre Poulin Thibault Saint-Pierre Nadeau Martin Landry Martel Bédard Grenier Lessard Bernier "
    "Richard Michaud Hébert Desjardins Couture Turcotte Lachance Parent Blais Gosselin Savard Proulx Beaudoin "
    "Demers Perreault Boudreau Lemieux Cyr Perron Dufour Dion Mercier Bolduc Bérubé Boisvert Langlois Ménard "
    "Therrien Plante Bilodeau Blanchette Dubois Champagne Paradis Fortier Arsenault Dupuis Gaudreault Hamel "
    "Houle Villeneuve Rousseau Gravel Thériault Lemay Robert Allard Deschênes Giroux Guay Leduc Boivin "
    "Charbonneau Lambert Raymond Vachon Gilbert Audet Jean Larouche Legault Trudel Fontaine Picard Labelle "
    "Lacroix Jacques Moreau Carrier Bernard Desrosiers Goulet Renaud Dionne Lapierre Vaillancourt Fillion "
    "Lalonde Tessier Bertrand Tardif Lepage Gingras Benoît Rioux Giguère Drouin Harvey Lauzon Gendron Boutin "
    "Laflamme Vallée Dumont Breton Paré Paquin Robitaille Gélinas Duchesne Lussier Séguin Veilleux Potvin "
    "Gervais Pépin Laroche Morissette Charron Lavallée Laplante Chabot Brunet Vézina Desrochers Labbé "
    "Saint-Onge Lajoie Brisson Rivard Sauvé Lalande Cormier Pilon Ducharme Beauchamp Lacasse Daigle Chartrand "
    "Lachapelle Marcoux Guérin Gamache Loiselle Ouimet Laurin Bisson Charette Brassard Racine Archambault "
    "Labrecque Bouffard Chouinard Marchand Sainte-Marie Saint-Laurent Deslauriers Lafleur Larivière Jolicoeur"
).split()
# Businesses that buy a few machines: the contact person is on the record too.
COMPANIES = [("Pourvoirie du Lac-Nominingue", "pourvoirie"), ("Pourvoirie Domaine des Cerfs", "pourvoirie"),
             ("Excavation Gagnon inc.", "flotte"), ("Ferme Lachance et fils", "flotte"),
             ("Érablière Paquette", "flotte"), ("Camping Lac-des-Écorces", "flotte"),
             ("Club de motoneige Les Pionniers", "flotte"), ("Construction Hautes-Laurentides", "flotte"),
             ("Arpentage Rivière-Rouge", "flotte"), ("Municipalité de Kiamika", "flotte")]
# Names of families that came from elsewhere, as in any Québec customer list.
OTHER_SURNAMES = ("O'Neill MacDonald Smith Nguyen Diallo Haddad Rodriguez Bélizaire Joseph Pierre-Louis "
                  "Kowalski Rossi Chen Tran Fernandes").split()
