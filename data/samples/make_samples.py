#!/usr/bin/env python3
"""Generate the sample project exports for `overlap` and the answer key.

Run from anywhere:  .venv/bin/python data/samples/make_samples.py

Writes, next to this script:
  iom_projects.csv         comma CSV, English headers, actor "IOM"
  eu_trust_fund.json       JSON array, actor "EU Trust Fund for Africa", budgets in EUR
  ministere_tunisie.xlsx   one sheet, French headers and texts, real Excel dates, budgets in TND
  ngo_partners.csv         semicolon CSV, several NGOs, dd/mm/yyyy dates, "|" inside cells
  expected.csv             planted pairs: duplicate / near-miss / conflict / complementary

Everything is hand-written data below; there is no randomness, so the output is
byte-for-byte reproducible (the XLSX is re-zipped with fixed timestamps).

Every record has an internal `key`. Keys starting with D, N, C or K belong to
planted structures (D = duplicate, N = near-miss, C = conflict, K = complementary)
and are referenced from PAIRS at the bottom; keys starting with "f" are
background records. Keys never reach the output files.

Sector vocabularies differ per actor on purpose (IOM: "Return and Reintegration",
EU: "Reintegration", ministry: "Réintégration", NGOs: free labels). Funder and
implementer names also use real-world aliases: "OIM" = IOM, "Fonds fiduciaire
d'urgence de l'UE pour l'Afrique" = EU Trust Fund for Africa, "Tunisian Ministry of
Social Affairs" = Ministère des Affaires sociales (Tunisie).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent

IOM_ACTOR = "IOM"
EU_ACTOR = "EU Trust Fund for Africa"
MIN_ACTOR = "Ministère des Affaires sociales (Tunisie)"

# Records whose description is deliberately a single short sentence.
TERSE = {("eu", "D07"), ("iom", "D11")}


def T(text: str) -> str:
    """Collapse the indentation and line breaks of a triple-quoted text."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------
# IOM  (country names in English; several values joined with ";")
# ---------------------------------------------------------------------------

IOM = [
    # --- planted duplicates -------------------------------------------------
    dict(key="D01", id="IOM-NG-RR-0117",
         title="Sustainable reintegration of returning migrants in Kano and Edo States",
         country="Nigeria", locations="Kano; Benin City; Auchi",
         sector="Return and Reintegration;Migrant Protection",
         start="2017-05-01", end="2021-04-30", budget=14_800_000,
         donor="EU Trust Fund for Africa",
         partner="NCFRMI; Edo State Task Force Against Human Trafficking",
         desc=T("""Provides individual, community and structural reintegration assistance
         to approximately 2,000 Nigerian migrants returning from Libya, Niger and Mali to
         Kano and Edo States. Each returnee receives reception support on arrival in Lagos,
         a case-managed reintegration plan, psychosocial counselling and either a
         micro-business grant or a place in vocational training. Community projects in
         Benin City and Kano metropolis involve returnees alongside non-migrant youth to
         reduce stigma. The action also strengthens the National Commission for Refugees,
         Migrants and IDPs (NCFRMI) to coordinate the referral of returnees to state
         services.""")),
    dict(key="D02", id="IOM-TN-LM-0219",
         title="Strengthening labour migration governance and regular pathways in Tunisia",
         country="Tunisia", locations="Tunis; Sfax; Sousse; Gafsa",
         sector="Labour Migration Governance",
         start="2019-09-01", end="2023-08-31", budget=6_200_000,
         donor="EU Trust Fund for Africa; Germany (BMZ)",
         partner="Ministry of Social Affairs (Tunisia); ANETI",
         desc=T("""Supports the Tunisian Ministry of Social Affairs and the national
         employment agency ANETI to manage international recruitment fairly and
         transparently. The project upgrades ANETI's international placement unit, creates
         a digital registry of job offers from European employers, and trains 120
         employment counsellors in Tunis, Sfax, Sousse and Gafsa on job matching,
         pre-departure orientation and the protection of workers' rights. The target is
         1,000 Tunisian jobseekers placed abroad through regular channels, mainly in
         Germany, France and Belgium, together with a revised template for bilateral labour
         agreements.""")),
    dict(key="D04", id="IOM-SN-RR-0320",
         title="Community-based reintegration of returnees in Tambacounda and Kolda",
         country="Senegal", locations="Tambacounda; Kolda; Vélingara",
         sector="Return and Reintegration",
         start="2020-03-01", end="2022-12-31", budget=3_400_000,
         donor="EU Trust Fund for Africa", partner="Caritas Senegal",
         desc=T("""Supports the reintegration of 800 Senegalese returnees, most of whom came
         back from Libya, Niger and Morocco, in the regions of Tambacounda and Kolda, where
         irregular departure rates are among the highest in the country. Rather than
         relying on individual grants only, the project groups returnees with local young
         people in agricultural cooperatives, market-gardening plots and small livestock
         units, and provides solar-powered irrigation for twelve sites. Caritas Senegal
         handles social follow-up and family mediation, while the regional development
         agencies provide technical advice.""")),
    dict(key="D05", id="IOM-NE-PR-0418",
         title="Protection and direct assistance to migrants in transit in Agadez region",
         country="Niger", locations="Agadez; Arlit; Dirkou; Séguédine",
         sector="Migrant Protection",
         start="2018-06-01", end="2021-05-31", budget=7_500_000,
         donor="Netherlands; EU Trust Fund for Africa", partner="Danish Refugee Council",
         desc=T("""Provides life-saving assistance and protection to migrants moving through
         or stranded in the Agadez region, including people expelled from Algeria. Mobile
         teams carry out search and rescue patrols in the desert north of Séguédine and
         Dirkou and refer vulnerable migrants to the transit centres in Agadez and Arlit,
         which offer shelter, food, medical care and psychosocial support to up to 5,000
         people a year. The Danish Refugee Council runs protection monitoring and case
         management for unaccompanied children and survivors of trafficking.""")),
    dict(key="D07", id="IOM-NE-BM-0519",
         title="Strengthening border management capacity at Niger's northern border posts",
         country="Niger", locations="Assamaka; Madama; Dirkou; Agadez",
         sector="Immigration and Border Management",
         start="2019-02-01", end="2022-01-31", budget=5_100_000,
         donor="EU Trust Fund for Africa",
         partner="Direction de la Surveillance du Territoire (Police nationale)",
         desc=T("""Supports the Nigerien national police to improve the management of the
         northern borders with Algeria and Libya. The project rehabilitates and equips five
         border posts, including Assamaka and Madama, installs the MIDAS border management
         information system for biometric registration of travellers, and trains 250
         border officers on document examination, identification of trafficking victims
         and the rights of migrants. A mobile border unit based in Dirkou covers the long
         unmonitored stretches between posts, following protection-sensitive standard
         operating procedures drafted with civil society.""")),
    dict(key="D08", id="IOM-MA-LM-0121",
         title="Skills mobility partnership for Moroccan ICT graduates (Morocco–Belgium)",
         country="Morocco", locations="Rabat; Casablanca; Tangier",
         sector="Labour Mobility",
         start="2021-01-01", end="2024-06-30", budget=3_900_000,
         donor="EU Trust Fund for Africa; Belgium", partner="ANAPEC; Agoria",
         desc=T("""Pilots a legal migration pathway for young Moroccan ICT professionals to
         take up jobs with Belgian companies that cannot find enough software developers.
         120 graduates from Rabat, Casablanca and Tangier are selected with ANAPEC, receive
         six months of technical upskilling, French or Dutch language courses and
         intercultural preparation, and are then placed on two-year contracts in Belgium.
         The partnership also trains 300 additional graduates who stay in Morocco, so that
         the scheme benefits the local digital sector and not only employers abroad. Return
         and career follow-up is tracked for every participant.""")),
    dict(key="D09", id="IOM-NG-LM-0222",
         title="Promoting ethical recruitment of Nigerian migrant workers",
         country="Nigeria", locations="Lagos; Abuja; Ibadan",
         sector="Labour Migration Governance",
         start="2022-02-01", end="2024-12-31", budget=2_300_000,
         donor="United Kingdom (FCDO)",
         partner="Federal Ministry of Labour and Employment; Migrant Rights Network Nigeria",
         desc=T("""Works with the Federal Ministry of Labour and Employment to clean up the
         recruitment of Nigerian workers for jobs in the Gulf and in Europe. The project
         revises the licensing regulations for private employment agencies, audits the 60
         largest agencies operating from Lagos and Abuja against the IRIS ethical
         recruitment standard, and sets up a complaints hotline for workers charged illegal
         fees. Migrant Rights Network Nigeria leads outreach to prospective migrant
         workers, especially women recruited for domestic work, and documents abusive
         practices.""")),
    dict(key="D11", id="IOM-GM-RR-0617",
         title="Reintegration support to Gambian returnees",
         country="Gambia", locations="Greater Banjul; Brikama; Basse",
         sector="Return and Reintegration",
         start="2017-07-01", end="2021-06-30", budget=None,
         donor="EU Trust Fund for Africa", partner="",
         desc=T("""Reintegration grants and counselling for about 1,500 returnees to Greater
         Banjul, Brikama and the Upper River Region, funded by the EU Trust Fund.""")),
    dict(key="D13", id="IOM-MA-PR-0319",
         title="Direct assistance to vulnerable migrants in Oujda and Tangier",
         country="Morocco", locations="Oujda; Tangier; Rabat",
         sector="Migrant Protection;Migration Health",
         start="2019-04-01", end="2022-03-31", budget=4_600_000,
         donor="EU Trust Fund for Africa",
         partner="Fondation Orient-Occident; Moroccan Red Crescent",
         desc=T("""Provides emergency shelter, medical care, legal information and
         psychosocial support to around 4,000 vulnerable migrants, mostly from West and
         Central Africa, stranded in Oujda and Tangier after failed attempts to cross to
         Spain. Unaccompanied minors and pregnant women are referred to specialised shelters
         run by partner associations, and migrants who wish to go home are offered assisted
         voluntary return. The project also trains staff of the regional health
         directorates and hospitals so that migrants can use public health services
         regardless of their status.""")),
    dict(key="D14", id="IOM-ML-PR-0218",
         title="Migrant assistance and information in Gao and Bamako",
         country="Mali", locations="Gao; Bamako",
         sector="Migrant Protection",
         start="2018-01-01", end="2020-12-31", budget=3_200_000,
         donor="EU Trust Fund for Africa",
         partner="Délégation générale des Maliens de l'extérieur; Malian Red Cross",
         desc=T("""Gao is the last major stop on the road north to Algeria and Libya. The
         project runs the migrant transit centre in Gao and a reception centre in Bamako,
         offering shelter, food, health care and counselling to about 6,000 migrants a year,
         including people expelled from Algeria. Flow monitoring points at the bus stations
         record the profile and intentions of travellers, while information sessions present
         alternatives to the desert crossing and the option of voluntary return to the
         country of origin.""")),
    dict(key="D15", id="IOM-GH-MD-0921",
         title="Temporary return of Ghanaian diaspora health professionals",
         country="Ghana", locations="Tamale; Kumasi; Cape Coast",
         sector="Migration and Development",
         start="2021-10-01", end="2024-09-30", budget=1_800_000,
         donor="Netherlands", partner="Diaspora Invest Ghana; Ghana Health Service",
         desc=T("""Mobilises about 40 Ghanaian doctors, nurses and biomedical scientists
         living in the Netherlands, the United Kingdom and Germany for assignments of one to
         three months in the teaching hospitals of Tamale, Kumasi and Cape Coast. The
         diaspora experts deliver hands-on training in intensive care, neonatal care and
         laboratory diagnostics and help introduce new clinical protocols. Diaspora Invest
         Ghana manages the roster of experts and the logistics of each assignment, while the
         Ghana Health Service identifies the priority skills gaps.""")),
    dict(key="D16", id="IOM-ET-BM-0719",
         title="Coordinated border management at Metema and Moyale",
         country="Ethiopia", locations="Metema; Moyale; Addis Ababa",
         sector="Immigration and Border Management",
         start="2019-07-01", end="2022-06-30", budget=3_700_000,
         donor="EU Trust Fund for Africa", partner="Immigration and Citizenship Service",
         desc=T("""Improves the capacity of Ethiopia's Immigration and Citizenship Service to
         manage the busy crossings with Sudan at Metema and with Kenya at Moyale. The project
         builds two new immigration offices, introduces biometric registration, and trains
         180 officers jointly with customs and the federal police on coordinated border
         management, detection of smuggling and trafficking, and referral of victims.
         Cross-border meetings with Sudanese and Kenyan counterparts are held twice a year to
         harmonise procedures.""")),
    # --- near misses --------------------------------------------------------
    dict(key="N01", id="IOM-SN-MR-0115",
         title="Migrant Resource Centre in Dakar",
         country="Senegal", locations="Dakar",
         sector="Labour Mobility;Migration Information and Awareness",
         start="2015-01-01", end="2016-12-31", budget=900_000,
         donor="Italy", partner="Direction générale d'appui aux Sénégalais de l'extérieur",
         desc=T("""Establishes a Migrant Resource Centre in Dakar, hosted by the Directorate
         General for Support to Senegalese Abroad, where prospective migrants can obtain
         reliable information on visas, work permits and recruitment procedures for Italy,
         Spain and France. Counsellors warn against fraudulent intermediaries and irregular
         sea departures from the Petite Côte. The centre also informs families of migrants
         and records complaints about recruitment abuses. An estimated 6,000 visitors are
         expected over the two-year pilot.""")),
    dict(key="N02", id="IOM-SN-MD-0416",
         title="Diaspora investment matching fund for Senegal",
         country="Senegal", locations="Dakar; Louga; Matam",
         sector="Migration and Development",
         start="2016-04-01", end="2018-12-31", budget=2_700_000,
         donor="Italy", partner="FAISE; DGASE",
         desc=T("""Co-finances productive investments by Senegalese living in Italy, Spain
         and France in their regions of origin, particularly Louga and Matam. A matching-grant
         window managed with the Fonds d'Appui à l'Investissement des Sénégalais de
         l'Extérieur (FAISE) covers up to 40% of investment costs for around 100 small
         enterprises in agriculture, transport and services, each committed to hiring local
         youth. Diaspora investors receive business coaching, feasibility studies and
         introductions to local banks.""")),
    dict(key="N04", id="IOM-ET-RR-0114",
         title="Reintegration of Ethiopian returnees from Saudi Arabia (2013–2014 mass return)",
         country="Ethiopia", locations="Addis Ababa; Amhara; Oromia",
         sector="Return and Reintegration",
         start="2014-01-01", end="2015-06-30", budget=2_500_000,
         donor="Japan", partner="Ministry of Labour and Social Affairs",
         desc=T("""Following the expulsion of more than 160,000 Ethiopians from Saudi Arabia
         between November 2013 and March 2014, the project supports the reintegration of
         about 3,000 of the most vulnerable returnees in Amhara and Oromia. Returnees receive
         counselling, short vocational courses and start-up kits for small businesses, and
         women who suffered abuse as domestic workers are referred to specialised
         psychosocial services. Woreda labour and social affairs offices are trained to
         follow up the cases.""")),
    dict(key="N05", id="IOM-GH-LM-0621",
         title="Fair recruitment and protection of Ghanaian migrant workers",
         country="Ghana", locations="Accra; Kumasi",
         sector="Labour Migration Governance",
         start="2021-06-01", end="2024-05-31", budget=2_000_000,
         donor="United Kingdom (FCDO)",
         partner="Ministry of Employment and Labour Relations; Labour Department",
         desc=T("""Supports Ghana's Labour Department to regulate the private employment
         agencies that send workers to the Gulf, where many Ghanaian women are employed as
         domestic workers. The project audits about 50 licensed agencies in Accra and Kumasi
         against the IRIS ethical recruitment standard, revises the licensing guidelines to
         enforce the 'employer pays' principle, and sets up a hotline where workers can
         report illegal fees or contract substitution. Returned domestic workers are trained
         as peer counsellors.""")),
    dict(key="N10", id="IOM-NG-LM-0523",
         title="Pre-departure orientation programme for Nigerian labour migrants",
         country="Nigeria", locations="Lagos; Abuja; Kano",
         sector="Labour Mobility",
         start="2023-05-01", end="2025-12-31", budget=1_200_000,
         donor="Switzerland (SDC)",
         partner="Federal Ministry of Labour and Employment; NiDCOM",
         desc=T("""Develops a standard national pre-departure orientation curriculum with the
         Federal Ministry of Labour and Employment and delivers it in Lagos, Abuja and Kano to
         about 4,000 Nigerians who have obtained work contracts abroad, mostly in the Gulf
         states. Sessions cover employment contracts, workers' rights, consular assistance,
         financial literacy and sending remittances. A training-of-trainers module allows
         licensed recruitment agencies to deliver certified sessions themselves.""")),
    dict(key="N11", id="IOM-NE-RR-0119",
         title="Assisted voluntary return from Niger to countries of origin",
         country="Niger", locations="Agadez; Niamey; Arlit",
         sector="Return and Reintegration",
         start="2019-01-01", end="2022-12-31", budget=12_000_000,
         donor="EU Trust Fund for Africa; Italy", partner="",
         desc=T("""Organises the safe and dignified voluntary return of migrants stranded in
         Niger who wish to go home, mainly nationals of Guinea, Mali, Côte d'Ivoire, Senegal
         and Cameroon. Migrants registered at the transit centres in Agadez, Arlit and Niamey
         receive counselling, travel documents through their consulates, medical fitness
         checks and transport by road or charter flight; around 15,000 returns are expected.
         Each returnee is referred to reintegration assistance in the country of
         origin.""")),
    dict(key="N12", id="IOM-ET-BM-0112",
         title="Border management capacity building for Ethiopia's Main Department for Immigration",
         country="Ethiopia", locations="Metema; Moyale; Addis Ababa",
         sector="Immigration and Border Management",
         start="2012-01-15", end="2013-12-31", budget=1_300_000,
         donor="Japan", partner="Main Department for Immigration and Nationality Affairs",
         desc=T("""Assists Ethiopia's Main Department for Immigration and Nationality Affairs
         to improve control of the land borders with Sudan and Kenya, particularly at Metema
         and Moyale, which are used by migrants heading to Sudan, Libya and South Africa. The
         project trains 120 immigration officers on document examination and identification
         of trafficking victims, supplies computers and passport readers to both posts, and
         supports a first cross-border meeting with Sudanese and Kenyan
         counterparts.""")),
    # --- conflicts ----------------------------------------------------------
    dict(key="C1", id="IOM-LY-RR-0322",
         title="Assisted voluntary return and reintegration of Nigerian migrants from Libya",
         country="Libya;Nigeria", locations="Tripoli; Misrata; Sabha; Lagos; Benin City",
         sector="Return and Reintegration",
         start="2022-09-01", end="2024-12-31", budget=9_500_000,
         donor="EU Trust Fund for Africa; Italy",
         partner="NCFRMI; Embassy of Nigeria in Tripoli",
         desc=T("""Offers Nigerian migrants in Libya, including those held in detention
         centres in Tripoli and Misrata and those living in urban areas of Sabha, the option
         to return home voluntarily. Some 4,000 Nigerians are expected to be assisted with
         consular documentation, pre-departure health checks and charter flights to Lagos,
         followed by reintegration assistance in their states of origin, mainly Edo, Delta
         and Lagos. Outreach teams explain that the prospects of stable work or legal status
         in Libya are limited and that return is the safest option for most.""")),
    dict(key="C2", id="IOM-GH-LM-0423",
         title="Ghana–Germany skills partnership for nurses",
         country="Ghana", locations="Accra; Kumasi; Tamale",
         sector="Labour Mobility",
         start="2023-04-01", end="2026-03-31", budget=3_000_000,
         donor="Germany (GIZ)",
         partner="Ministry of Health (Ghana); Nursing and Midwifery Council",
         desc=T("""Prepares 500 registered nurses from Ghana to take up employment in German
         hospitals and care homes over three years. Candidates recruited in Accra, Kumasi and
         Tamale follow intensive German language training to B2 level and receive support
         with the recognition of their qualifications and visa procedures. German employers
         cover training and recruitment costs, in line with the 'employer pays' principle. A
         smaller component equips nursing training colleges and trains 200 nursing students
         in Ghana as the partnership's contribution to the home health system.""")),
    dict(key="C5", id="IOM-TN-RR-0623",
         title="Voluntary return assistance for migrants stranded in Sfax",
         country="Tunisia", locations="Sfax; El Amra; Jebeniana; Tunis",
         sector="Return and Reintegration",
         start="2023-06-01", end="2025-12-31", budget=8_000_000,
         donor="EU Trust Fund for Africa; Italy", partner="Tunisian Red Crescent",
         desc=T("""Following the tensions of 2023 in Sfax, thousands of sub-Saharan migrants,
         mainly from Guinea, Côte d'Ivoire, Cameroon and Mali, live in precarious conditions
         in the olive groves around El Amra and Jebeniana. The project scales up assisted
         voluntary return from Tunisia, aiming to return 6,000 migrants through a reception
         desk in Sfax, emergency accommodation, consular identification and return flights,
         with reintegration support in the countries of origin. Awareness sessions present
         voluntary return as the main durable solution for people without legal
         status.""")),
    # --- complementary --------------------------------------------------------
    dict(key="K4", id="IOM-ET-RR-0419",
         title="Reception and immediate assistance for returnees at Bole International Airport",
         country="Ethiopia", locations="Addis Ababa",
         sector="Return and Reintegration",
         start="2019-04-01", end="2022-03-31", budget=2_900_000,
         donor="EU Trust Fund for Africa", partner="Ministry of Labour and Social Affairs",
         desc=T("""Ensures that Ethiopians deported from Saudi Arabia receive immediate
         assistance on arrival at Bole International Airport in Addis Ababa. Teams provide
         medical screening, hot meals, temporary accommodation of up to five days for the
         most vulnerable, including unaccompanied children and people needing mental health
         care, and onward transport allowances to their home woredas. Each returnee's profile
         is registered so that reintegration partners in Amhara and Oromia can follow
         up.""")),
    # --- background -----------------------------------------------------------
    dict(key="f01", id="IOM-LY-DM-0120",
         title="Displacement Tracking Matrix and migrant flow monitoring in Libya",
         country="Libya", locations="Tripoli; Benghazi; Sabha; Misrata; Zuwara",
         sector="Migration Data",
         start="2020-01-01", end="2023-06-30", budget=4_200_000,
         donor="United Kingdom (FCDO); Germany",
         partner="Libyan Bureau of Statistics and Census",
         desc=T("""Collects and publishes regular data on internally displaced Libyans,
         returnees and the estimated 600,000 foreign migrants present in Libya. Enumerators
         cover all 100 municipalities every two months, while flow monitoring points in the
         south record arrivals from Niger, Chad and Sudan. Reports on migrants' nationalities,
         working conditions and needs are shared with the humanitarian clusters and Libyan
         authorities to guide programming. Specific assessments follow floods, clashes or
         mass arrests.""")),
    dict(key="f02", id="IOM-LY-RR-0417",
         title="Voluntary humanitarian return from Libya",
         country="Libya", locations="Tripoli; Misrata; Zuwara; Sabha; Gharyan",
         sector="Return and Reintegration",
         start="2017-04-01", end="2019-12-31", budget=22_000_000,
         donor="EU Trust Fund for Africa; Italy; Germany",
         partner="Department for Combating Illegal Migration",
         desc=T("""Responds to the acute protection crisis faced by migrants held in
         detention centres and trafficking hubs in Libya by organising voluntary
         humanitarian return flights to their countries of origin. Over 30,000 migrants from
         more than 30 countries, predominantly Nigeria, Guinea, Mali, Gambia and Senegal, are
         expected to return. Each receives a medical check, consular documentation, an escort
         and a small cash allowance, and is referred to reintegration programmes at
         destination. People with international protection needs are referred to
         UNHCR.""")),
    dict(key="f03", id="IOM-TN-CT-0318",
         title="Supporting Tunisia's National Authority against Trafficking in Persons",
         country="Tunisia", locations="Tunis; Sfax; Sousse",
         sector="Counter-Trafficking",
         start="2018-03-01", end="2020-12-31", budget=1_600_000,
         donor="United States (J/TIP)",
         partner="Instance nationale de lutte contre la traite des personnes",
         desc=T("""Helps the Instance nationale de lutte contre la traite des personnes put
         Tunisia's 2016 anti-trafficking law into practice. The project sets up a national
         referral mechanism linking police, labour inspectors, social workers and NGOs,
         trains 400 frontline officials to identify victims, and funds specialised shelter
         places in Tunis and Sfax. Particular attention is paid to forced labour in
         agriculture and construction and to children exploited in street begging. A victim
         database compliant with data protection rules is developed.""")),
    dict(key="f04", id="IOM-MA-MH-0617",
         title="Tuberculosis screening and treatment adherence for migrants in Rabat and Casablanca",
         country="Morocco", locations="Rabat; Salé; Casablanca",
         sector="Migration Health",
         start="2017-06-01", end="2019-05-31", budget=750_000,
         donor="Global Fund", partner="Ministry of Health (Morocco); ALCS",
         desc=T("""Improves detection and treatment of tuberculosis among sub-Saharan
         migrants living in crowded housing in the Rabat-Salé and Casablanca areas. Community
         health mediators, themselves migrants, go door to door to screen for symptoms,
         accompany suspected cases to public diagnostic centres and follow patients through
         the six-month treatment to prevent drop-outs. Health staff are trained on migrants'
         right to free TB care under Moroccan policy. The project expects to screen 8,000
         people and reach a treatment success rate above 85%.""")),
    dict(key="f05", id="IOM-SN-BM-0221",
         title="Integrated border management along the Senegal–Mali border",
         country="Senegal", locations="Kidira; Moussala; Kédougou; Tambacounda",
         sector="Immigration and Border Management",
         start="2021-02-01", end="2023-07-31", budget=2_800_000,
         donor="Japan", partner="Direction de la Police de l'Air et des Frontières",
         desc=T("""Supports the Senegalese border police at the Kidira and Moussala crossings
         with Mali and in the gold-mining areas of Kédougou, where cross-border movements of
         artisanal miners are frequent. The project builds a joint border post in Moussala,
         deploys biometric registration of travellers, and trains 150 officers to detect
         trafficking in mining sites. Border community committees are created to build trust
         between residents and security forces and to report incidents.""")),
    dict(key="f06", id="IOM-SN-AW-0318",
         title="Migrants as Messengers: peer-to-peer awareness in Senegal",
         country="Senegal", locations="Dakar; Thiès; Kolda; Tambacounda",
         sector="Migration Information and Awareness",
         start="2018-03-01", end="2020-02-29", budget=1_300_000,
         donor="Netherlands", partner="",
         desc=T("""Trains young Senegalese who have returned from Libya, Niger or Morocco to
         share their own stories with their peers through videos, community theatre and
         social media. Around 60 volunteer messengers record testimonies on detention,
         extortion and the dangers of the desert and sea routes, and lead discussions in
         schools and neighbourhoods of Dakar, Thiès, Kolda and Tambacounda. The approach
         relies on the credibility of returnees rather than institutional warnings and also
         presents regular migration options.""")),
    dict(key="f07", id="IOM-GM-BM-0320",
         title="Strengthening the Gambia Immigration Department at land borders",
         country="Gambia", locations="Amdalai; Giboro; Farafenni; Banjul",
         sector="Immigration and Border Management",
         start="2020-03-01", end="2022-08-31", budget=2_100_000,
         donor="Japan", partner="Gambia Immigration Department",
         desc=T("""Supports the Gambia Immigration Department to manage the land borders with
         Senegal, crossed daily by traders, students and seasonal workers. The project rolls
         out biometric registration at the Amdalai, Giboro and Farafenni crossings, connects
         them to headquarters in Banjul, and trains 120 officers on document examination,
         humane treatment of travellers and identification of trafficked children. Standard
         operating procedures on ECOWAS free movement are drafted to end irregular fees at
         checkpoints.""")),
    dict(key="f08", id="IOM-GM-CC-0521",
         title="Climate-resilient livelihoods for youth in the Upper River Region",
         country="Gambia", locations="Basse; Fatoto; Koina",
         sector="Migration, Environment and Climate Change",
         start="2021-05-01", end="2023-10-31", budget=1_500_000,
         donor="Sweden", partner="Department of Agriculture (Gambia)",
         desc=T("""Erratic rainfall and salinisation have pushed many young men in the Upper
         River Region to leave for the Greater Banjul area or abroad. The project
         rehabilitates 300 hectares of rice fields with anti-salt dykes, installs
         solar-powered irrigation for women's vegetable gardens in Basse, Fatoto and Koina,
         and trains 900 young people in climate-smart farming and agro-processing. Village
         development committees manage the assets and a small grant fund for local
         adaptation ideas.""")),
    dict(key="f09", id="IOM-GH-CT-0119",
         title="Ending child trafficking in Lake Volta fisheries",
         country="Ghana", locations="Kete Krachi; Yeji; Kpando",
         sector="Counter-Trafficking",
         start="2019-01-01", end="2022-06-30", budget=2_400_000,
         donor="United States (J/TIP)",
         partner="Anti-Human Trafficking Unit (Ghana Police Service); Department of Social Welfare",
         desc=T("""Targets the trafficking of children, some as young as six, to work on
         fishing boats on Lake Volta. With the Ghana Police Service and the Department of
         Social Welfare, the project conducts rescue operations, provides shelter and
         rehabilitation for around 250 children, and supports their return to school in
         their home communities in the Central and Volta regions. Fishing communities around
         Yeji and Kete Krachi set up child protection committees, and parents receive
         livelihood support to reduce the pressure to send children away.""")),
    dict(key="f10", id="IOM-GH-BM-0622",
         title="Coordinated border management at Elubo and Paga",
         country="Ghana", locations="Elubo; Paga; Aflao",
         sector="Immigration and Border Management",
         start="2022-06-01", end="2024-11-30", budget=2_600_000,
         donor="Japan; Denmark", partner="Ghana Immigration Service",
         desc=T("""Strengthens the Ghana Immigration Service at the busy Elubo (Côte d'Ivoire)
         and Paga (Burkina Faso) crossings as insecurity rises in the northern border areas.
         The project upgrades immigration offices, installs biometric registration linked to
         headquarters in Accra, and trains 200 immigration officers on document verification,
         detection of trafficking and referral of vulnerable travellers. Joint patrols and
         information-sharing with customs and police are introduced under a coordinated
         border management approach.""")),
    dict(key="f11", id="IOM-NG-CM-0119",
         title="Camp coordination and shelter for displaced persons in Borno State",
         country="Nigeria", locations="Maiduguri; Bama; Dikwa; Ngala",
         sector="Camp Coordination and Camp Management;Shelter and Non-Food Items",
         start="2019-01-01", end="2022-12-31", budget=18_000_000,
         donor="ECHO; United States (BHA)", partner="SEMA Borno",
         desc=T("""Manages or supports more than 60 camps and camp-like settings hosting
         internally displaced people in Borno State, including the large sites of Bama,
         Dikwa and Ngala. Camp managers coordinate service providers, run complaint desks and
         site committees, and track population movements. The project also builds emergency
         shelters, decongests overcrowded sites and carries out fire and flood risk reduction
         works before each rainy season, serving about 400,000 people.""")),
    dict(key="f12", id="IOM-NG-MD-0318",
         title="Migration data and national migration profile for Nigeria",
         country="Nigeria", locations="Abuja",
         sector="Migration Data",
         start="2018-03-01", end="2019-09-30", budget=None,
         donor="EU Trust Fund for Africa", partner="",
         desc=T("""Helps the National Bureau of Statistics and NCFRMI to produce Nigeria's
         updated migration profile, bringing together data from immigration, labour, diaspora
         and displacement sources. A technical working group of 14 federal agencies agrees on
         common indicators, and staff are trained to add migration questions to the general
         household survey. The profile informs the implementation of the 2015 National
         Migration Policy and reporting on the Global Compact for Migration.""")),
    dict(key="f13", id="IOM-NE-PR-0223",
         title="Emergency assistance to migrants expelled from Algeria at Assamaka",
         country="Niger", locations="Assamaka; Arlit; Agadez",
         sector="Migrant Protection",
         start="2023-02-01", end="2025-01-31", budget=6_800_000,
         donor="Germany; Italy", partner="Niger Red Cross",
         desc=T("""In 2023 more than 20,000 migrants were expelled from Algeria and left at
         'Point Zero' in the desert, 15 km from the border post of Assamaka. The project
         provides water, food, first aid and transport from Point Zero, expands the emergency
         reception site in Assamaka, and organises transfers to the transit centres of Arlit
         and Agadez. Protection staff identify children, women travelling alone and
         trafficking victims and refer them to case management. Those who wish to go home are
         offered voluntary return.""")),
    dict(key="f14", id="IOM-NE-CT-0620",
         title="Support to Niger's national agency against trafficking and smuggling",
         country="Niger", locations="Niamey; Zinder; Maradi",
         sector="Counter-Trafficking",
         start="2020-06-01", end="2022-11-30", budget=1_900_000,
         donor="United States (J/TIP)", partner="ANLTP/TIM",
         desc=T("""Strengthens the Agence nationale de lutte contre la traite des personnes
         et le trafic illicite de migrants to coordinate Niger's response to trafficking,
         with a focus on children sent from Zinder and Maradi to beg in Nigerian and Algerian
         cities and on women exploited in mining sites. Activities include training for
         judges and police investigators, support to the national victim helpline and to
         shelter capacity in Niamey, and an awareness campaign with Koranic school teachers
         and traditional chiefs.""")),
    dict(key="f15", id="IOM-ML-RR-0317",
         title="Reintegration of Malian returnees in Kayes and Sikasso regions",
         country="Mali", locations="Kayes; Sikasso; Bamako",
         sector="Return and Reintegration",
         start="2017-03-01", end="2020-06-30", budget=8_600_000,
         donor="EU Trust Fund for Africa",
         partner="Délégation générale des Maliens de l'extérieur",
         desc=T("""Provides reintegration assistance to about 5,000 Malians who returned from
         Libya, Algeria and Niger, most of them from the Kayes region and the Sikasso area.
         Returnees draw up an individual reintegration plan with a counsellor and receive
         in-kind support to launch activities such as livestock fattening, small shops,
         motorcycle repair and market gardening; some join collective projects with their
         home villages. Psychosocial support is offered to those who experienced detention or
         violence, and the Délégation générale des Maliens de l'extérieur is supported to
         follow up returnees.""")),
    dict(key="f16", id="IOM-ML-DM-0419",
         title="Displacement tracking in central Mali",
         country="Mali", locations="Mopti; Ségou; Bandiagara",
         sector="Migration Data",
         start="2019-04-01", end="2022-03-31", budget=2_200_000,
         donor="ECHO", partner="Direction nationale du développement social",
         desc=T("""Monitors the scale and needs of internal displacement caused by
         intercommunal violence in the Mopti and Ségou regions. Enumerators assess
         displacement sites and host villages every quarter, recording numbers, origin,
         shelter conditions and access to water, food and health care. Rapid alerts are issued
         within 72 hours after attacks. Data are shared through the government-chaired
         Commission Mouvements de Populations and feed the humanitarian response
         plan.""")),
    dict(key="f17", id="IOM-ET-PR-0620",
         title="Protection of migrants on the Eastern Route through Afar and Dire Dawa",
         country="Ethiopia", locations="Semera; Dire Dawa; Togochale",
         sector="Migrant Protection",
         start="2020-06-01", end="2023-05-31", budget=3_300_000,
         donor="United States (PRM)", partner="Ethiopian Red Cross Society",
         desc=T("""Tens of thousands of young Ethiopians, mainly from Oromia, Amhara and
         Tigray, travel each year towards Djibouti, Yemen and Saudi Arabia along the Eastern
         Route. The project runs migrant response centres in Semera and Dire Dawa offering
         water, food, medical care and counselling to migrants in transit and to those coming
         back exhausted from Yemen, and helps unaccompanied children to be reunited with their
         families. Community conversations in sending kebeles discuss the dangers of the
         route.""")),
    dict(key="f18", id="IOM-ET-SH-0921",
         title="Emergency shelter for drought-displaced households in Somali Region",
         country="Ethiopia", locations="Dollo Ado; Gode; Kebri Dahar",
         sector="Shelter and Non-Food Items",
         start="2021-09-01", end="2023-08-31", budget=5_200_000,
         donor="ECHO; United Kingdom (FCDO)",
         partner="Disaster Risk Management Bureau (Somali Region)",
         desc=T("""The 2020–2023 drought in the Horn of Africa killed much of the livestock in
         Ethiopia's Somali Region and drove pastoralist families into displacement sites
         around Gode, Kebri Dahar and Dollo Ado. The project distributes emergency shelter
         kits and household items to 30,000 displaced households, builds communal shelters
         for older and disabled people, and carries out site planning to reduce overcrowding
         and flooding. Displacement tracking data guide the targeting of assistance.""")),
    dict(key="f19", id="IOM-ET-MH-0420",
         title="COVID-19 preparedness at Ethiopia's points of entry",
         country="Ethiopia", locations="Bole International Airport; Galafi; Togochale",
         sector="Migration Health",
         start="2020-04-01", end="2021-09-30", budget=1_700_000,
         donor="Japan", partner="Ethiopian Public Health Institute",
         desc=T("""Strengthens the capacity of the Ethiopian Public Health Institute to detect
         and manage COVID-19 cases among travellers and returning migrants at Bole
         International Airport and at the Galafi and Togochale land crossings with Djibouti
         and Somaliland. Activities include screening and isolation areas, training of 300
         health and immigration staff in infection prevention, protective equipment, and
         support to the quarantine centres that received thousands of migrants deported
         during the pandemic.""")),
    dict(key="f20", id="IOM-MA-RR-0518",
         title="Reintegration support for Moroccans returning from Europe to Béni Mellal-Khénifra",
         country="Morocco", locations="Béni Mellal; Khouribga; Fquih Ben Salah",
         sector="Return and Reintegration",
         start="2018-05-01", end="2021-04-30", budget=2_900_000,
         donor="Belgium; Netherlands",
         partner="Ministry Delegate for Moroccans Living Abroad",
         desc=T("""Supports Moroccans returning voluntarily from Belgium, the Netherlands and
         Italy to the Béni Mellal-Khénifra region, which has a long history of emigration.
         Around 700 returnees receive counselling, help with administrative procedures and
         in-kind support to set up businesses such as olive processing, taxi services and
         retail shops. Business incubators in Béni Mellal and Khouribga provide coaching, and
         the regional investment centres fast-track the registration of returnee
         enterprises.""")),
    dict(key="f21", id="IOM-TN-MD-0219",
         title="Tunisia household international migration survey (Tunisia-HIMS)",
         country="Tunisia", locations="Tunis; nationwide",
         sector="Migration Data",
         start="2019-02-01", end="2021-06-30", budget=1_100_000,
         donor="European Union (ICMPD)",
         partner="Institut National de la Statistique; Observatoire National de la Migration",
         desc=T("""Supports the National Institute of Statistics and the National Migration
         Observatory to carry out Tunisia's first nationally representative household survey
         on international migration. Some 15,000 households are interviewed on emigration,
         return, immigration, remittances and intentions to migrate, with specific modules on
         forced returnees and foreign residents. Survey staff are trained in sampling, data
         processing and anonymisation, and the results are published to inform the national
         migration strategy.""")),
    dict(key="f22", id="IOM-LY-PR-0218",
         title="Direct assistance to migrants in detention centres in western Libya",
         country="Libya", locations="Tripoli; Zawiya; Gharyan; Misrata",
         sector="Migrant Protection;Migration Health",
         start="2018-02-01", end="2019-12-31", budget=6_000_000,
         donor="Germany; Italy", partner="International Medical Corps",
         desc=T("""Delivers life-saving assistance to migrants held in official detention
         centres run by the Department for Combating Illegal Migration in Tripoli, Zawiya,
         Gharyan and Misrata. Mobile medical teams provide primary health care and referrals,
         hygiene kits, blankets and clothing are distributed, and water and sanitation
         facilities are rehabilitated. Protection staff identify vulnerable detainees for
         release, alternative accommodation or voluntary humanitarian return, and advocate
         with the authorities to end arbitrary detention.""")),
]


# ---------------------------------------------------------------------------
# EU Trust Fund for Africa  (ISO2 country codes; lists as JSON arrays; EUR)
# ---------------------------------------------------------------------------

EU = [
    # --- planted duplicates -------------------------------------------------
    dict(key="D01", id="T05-EUTF-SAH-NG-05",
         title="Nigeria – Migrant protection and sustainable reintegration (Kano and Edo)",
         countries=["NG"], sectors=["Reintegration", "Protection"],
         start="2017-04-01", end="2021-06-30", budget=15_500_000,
         funders=["European Union"], implementers=["IOM", "NCFRMI"],
         desc=T("""The action supports the return of stranded Nigerians, mainly from Libya and
         Niger, and their durable reintegration in the two states that account for most
         departures, Edo and Kano. Around 2,000 returnees will benefit from tailored packages
         combining counselling, mental health support, start-up kits or apprenticeships,
         complemented by community-level schemes in Benin City and Kano. Implemented by IOM
         with the National Commission for Refugees, Migrants and IDPs, it also builds the
         capacity of federal and state authorities to manage returns and refer returnees to
         existing services.""")),
    dict(key="D03", id="T05-EUTF-NOA-TN-03",
         title="Tunisia – Reintegration of returning Tunisian migrants in Médenine, Tataouine and Sfax",
         countries=["TN"], sectors=["Reintegration", "Employment"],
         start="2018-01-15", end="2021-12-31", budget=9_000_000,
         funders=["European Union"],
         implementers=["Tunisian Ministry of Social Affairs", "Office des Tunisiens à l'Étranger", "ANETI"],
         desc=T("""Supports the Tunisian Ministry of Social Affairs in setting up a national
         mechanism for the economic and social reintegration of Tunisians returning from
         Europe, mostly from Italy and Germany, whether voluntarily or after a removal order.
         Around 1,500 returnees in the governorates of Médenine, Tataouine and Sfax will
         receive personalised guidance through local reception desks, access to vocational
         training and start-up finance for micro-enterprises. Psychosocial support is
         provided through the regional offices of the Office des Tunisiens à
         l'Étranger.""")),
    dict(key="D06", id="T05-EUTF-SAH-GH-02",
         title="Ghana – Mobilising diaspora investment for job creation in Ashanti and Greater Accra",
         countries=["GH"], sectors=["Diaspora", "Employment"],
         start="2019-07-01", end="2022-06-30", budget=4_000_000,
         funders=["European Union"],
         implementers=["Diaspora Invest Ghana", "Ghana Investment Promotion Centre"],
         desc=T("""Channels diaspora savings and know-how into productive investment in Ghana.
         A matching-grant facility co-finances up to 50% of the investments made by Ghanaians
         abroad in around 150 small and medium enterprises located mainly in Kumasi and
         Accra, with priority to agro-processing, light manufacturing and ICT. Investors
         receive business advisory services and due diligence support, and each supported
         firm must create at least five jobs for local youth. The facility is managed by
         Diaspora Invest Ghana together with the Ghana Investment Promotion Centre.""")),
    dict(key="D07", id="T05-EUTF-SAH-NE-09",
         title="Niger – Border posts equipment and MIDAS roll-out",
         countries=["NE"], sectors=["Border management"],
         start="2019-01-15", end="2022-01-31", budget=5_000_000,
         funders=["European Union"], implementers=["IOM"],
         desc=T("""Equipment, MIDAS installation and training for border police at five
         northern posts of Niger, including Assamaka and Madama, implemented by IOM.""")),
    dict(key="D08", id="T05-EUTF-NOA-MA-07",
         title="Morocco – Legal mobility pilot for ICT talent towards Belgium",
         countries=["MA"], sectors=["Legal migration and mobility", "Employment"],
         start="2020-11-01", end="2024-03-31", budget=4_200_000,
         funders=["European Union", "Belgium"], implementers=["IOM", "ANAPEC"],
         desc=T("""Pilot mobility scheme matching Moroccan software developers with Belgian
         employers. Around 120 young professionals recruited in Casablanca, Rabat and Tangier
         follow intensive technical and language training before taking up two-year work
         contracts in Belgium, while a further 300 trainees follow the same curriculum to
         work in Morocco's own tech sector. The action tests how a skills partnership can
         reconcile the needs of EU employers with development gains for the country of
         origin, and strengthens ANAPEC's capacity to run such schemes.""")),
    dict(key="D10", id="T05-EUTF-HOA-ET-12",
         title="Ethiopia – Reintegration of returnees from Saudi Arabia in Amhara and Oromia",
         countries=["ET"], sectors=["Reintegration", "Protection"],
         start="2019-03-01", end="2022-08-31", budget=6_000_000,
         funders=["European Union"],
         implementers=["Danish Refugee Council", "Ministry of Labour and Social Affairs"],
         desc=T("""Ethiopia has received more than 300,000 nationals deported from Saudi
         Arabia since 2017. This action supports around 3,500 of them who return to their home
         woredas in North and South Wollo (Amhara) and in East Hararghe and Jimma (Oromia) to
         rebuild their livelihoods. Assistance includes psychosocial care, vocational skills
         and start-up capital for small businesses, delivered with the woreda labour and
         social affairs offices. Community dialogues address the stigma faced by returnees,
         many of whom come back in debt.""")),
    dict(key="D11", id="T05-EUTF-SAH-GM-01",
         title="The Gambia – Reintegration of returnees and youth employment",
         countries=["GM"], sectors=["Reintegration", "Employment"],
         start="2017-06-01", end="2021-05-31", budget=3_900_000,
         funders=["European Union"], implementers=["IOM"],
         desc=T("""Around 1,500 Gambians who returned from Libya, Niger and Mali receive
         reintegration support in Greater Banjul, Brikama and the Upper River Region.
         Support combines business start-up grants, referrals to national youth employment
         programmes and counselling for those traumatised by detention in Libya. Returnee
         associations are engaged as peer educators in schools and community events on the
         risks of the 'backway'. The action also helps the government set up a reception
         protocol at Banjul airport for charter returns.""")),
    dict(key="D13", id="T05-EUTF-NOA-MA-04",
         title="Morocco – Protection and assistance for migrants in vulnerable situations (Oriental and Tangier)",
         countries=["MA"], sectors=["Protection", "Health"],
         start="2019-03-01", end="2022-06-30", budget=5_000_000,
         funders=["European Union"], implementers=["IOM"],
         desc=T("""Responds to the humanitarian needs of sub-Saharan migrants stranded in the
         Oriental region and in Tangier-Tétouan-Al Hoceima. Some 4,000 people, with priority
         to unaccompanied children, survivors of violence and women with young children, will
         access temporary accommodation, medical and psychological care and legal counselling,
         as well as voluntary return for those who request it. Hospitals and regional health
         directorates in Oujda and Tangier are supported to treat migrants without
         discrimination. Implemented by IOM with Moroccan associations.""")),
    dict(key="D14", id="T05-EUTF-SAH-ML-06",
         title="Mali – Protection and assistance to migrants in transit (Gao, Bamako)",
         countries=["ML"], sectors=["Protection"],
         start="2018-02-01", end="2021-01-31", budget=3_500_000,
         funders=["European Union"], implementers=["IOM", "Malian Red Cross"],
         desc=T("""Supports the reception of migrants travelling north through Mali or
         expelled from Algeria. Transit facilities in Gao and Bamako provide temporary
         shelter, meals, primary health care and psychosocial counselling to an estimated
         6,000 people per year. Monitoring at bus stations collects data on the routes and
         profiles of travellers and feeds Mali's national migration information system.
         Migrants are informed about the risks of crossing the Sahara and may opt for assisted
         return to their home country.""")),
    dict(key="D16", id="T05-EUTF-HOA-ET-15",
         title="Ethiopia – Better border governance at the Metema and Moyale crossings",
         countries=["ET"], sectors=["Border management"],
         start="2019-06-01", end="2022-09-30", budget=4_000_000,
         funders=["European Union"], implementers=["IOM"],
         desc=T("""Supports the Ethiopian authorities in managing mobility at two key land
         borders, Metema (Sudan) and Moyale (Kenya), on the main routes used by migrants and
         smugglers. Infrastructure works, biometric border management equipment and joint
         training for around 180 immigration, customs and police officers aim to speed up
         legitimate trade and travel while improving the detection of trafficking. Regular
         cross-border coordination meetings with Sudan and Kenya are also supported.""")),
    # --- near misses --------------------------------------------------------
    dict(key="N03", id="T05-EUTF-SAH-ML-11",
         title="Mali – Modernisation of border posts and biometric registration",
         countries=["ML"], sectors=["Border management"],
         start="2019-03-01", end="2022-02-28", budget=4_500_000,
         funders=["European Union"], implementers=["CIVIPOL", "Police aux frontières (Mali)"],
         desc=T("""Equips and rehabilitates five border posts along Mali's southern and
         western borders, including Kourémalé, Diboli and Heremakono, and introduces
         biometric registration of travellers. About 250 border police officers are trained
         on document fraud detection, identification of trafficking victims and respect for
         migrants' rights. A mobile unit patrols the unmanned stretches between posts, with
         standard operating procedures developed in consultation with civil
         society.""")),
    dict(key="N08", id="T05-EUTF-NOA-MA-01",
         title="Morocco – Support to ANAPEC for the international placement of Moroccan workers",
         countries=["MA"], sectors=["Migration governance", "Legal migration and mobility"],
         start="2016-04-01", end="2019-03-31", budget=5_000_000,
         funders=["European Union"], implementers=["ANAPEC", "Enabel"],
         desc=T("""Supports the national employment agency ANAPEC to organise the
         international placement of Moroccan jobseekers fairly and transparently. The action
         modernises ANAPEC's international mobility department, develops an online platform
         for job offers from European employers and trains 100 employment advisers in
         Casablanca, Rabat, Tangier and Béni Mellal in job matching, pre-departure preparation
         and workers' rights. Around 800 placements through regular channels, mainly in
         seasonal agriculture in Spain and care work in Germany, are targeted.""")),
    dict(key="N09", id="T05-EUTF-SAH-NE-14",
         title="Niger – Drinking water supply for host communities in Tahoua and Agadez",
         countries=["NE"], sectors=["Water and sanitation", "Resilience"],
         start="2018-09-01", end="2021-08-31", budget=8_000_000,
         funders=["European Union"], implementers=["Ministère de l'Hydraulique (Niger)"],
         desc=T("""Builds or rehabilitates 45 solar-powered boreholes and small piped water
         networks in rural communes of the Tahoua and Agadez regions that host large numbers
         of returnees and migrants in transit. Water user committees are set up and trained to
         manage tariffs and maintenance, with at least 40% women members. Latrines and
         hand-washing facilities are installed in 60 schools and health centres, benefiting an
         estimated 120,000 people.""")),
    # --- conflicts ----------------------------------------------------------
    dict(key="C3", id="T05-EUTF-SAH-NE-17",
         title="Niger – Countering migrant smuggling on the Agadez–Libya route",
         countries=["NE"], sectors=["Border management", "Counter-trafficking"],
         start="2022-06-01", end="2025-05-31", budget=12_000_000,
         funders=["European Union"], implementers=["CIVIPOL", "Police nationale (Niger)"],
         desc=T("""Strengthens the capacity of Nigerien security forces to stop irregular
         departures towards Libya and Algeria. A mobile border patrol company equipped with
         vehicles, drones and satellite communications operates north of Agadez, around
         Séguédine and the Djado plateau, to intercept smuggling convoys. Prosecutors and
         investigators are trained to apply Law 2015-36 on migrant smuggling and to seize the
         vehicles used by smugglers. The objective is a measurable reduction of irregular
         crossings on the Agadez–Libya corridor.""")),
    dict(key="C4", id="T05-EUTF-SAH-NE-15",
         title="Niger – Consolidation of the Sayam Forage refugee camp (Diffa)",
         countries=["NE"], sectors=["Protection", "Resilience"],
         start="2021-01-01", end="2023-12-31", budget=7_000_000,
         funders=["European Union"], implementers=["UNHCR", "Commune de Diffa"],
         desc=T("""Nigerian refugees and internally displaced people in the Diffa region are
         scattered along National Road 1 in informal sites exposed to attacks by armed groups.
         The action supports the relocation of about 12,000 people to the Sayam Forage camp,
         where security, water, health and education services can be concentrated and
         protected. Shelters, boreholes, a health centre and classrooms are built in the camp,
         and assistance is delivered on site.""")),
    # --- complementary --------------------------------------------------------
    dict(key="K3", id="T05-EUTF-SAH-SN-08",
         title="Senegal – Lowering remittance costs and mobilising remittances for local investment",
         countries=["SN"], sectors=["Diaspora", "Financial inclusion"],
         start="2021-02-01", end="2024-01-31", budget=5_500_000,
         funders=["European Union"], implementers=["AFD", "Microfinance institutions (Senegal)"],
         desc=T("""Works with mobile money operators, post offices and microfinance
         institutions to reduce the cost of sending money from Europe to Senegal, which still
         averages above 7% of the amount transferred. The action supports digital transfer
         products linked to savings accounts, a price comparison website, and credit lines
         that allow remittance-receiving families to finance housing and small businesses.
         Pilot regions are Kolda, Sédhiou, Louga and Matam.""")),
    # --- background -----------------------------------------------------------
    dict(key="f01", id="T05-EUTF-SAH-NG-03",
         title="Nigeria – Strengthening the fight against trafficking in human beings in Edo and Delta States",
         countries=["NG"], sectors=["Counter-trafficking", "Protection"],
         start="2018-03-01", end="2022-02-28", budget=6_500_000,
         funders=["European Union"], implementers=["NAPTIP", "Expertise France"],
         desc=T("""Edo and Delta States remain the main source of Nigerian women trafficked
         for sexual exploitation to Italy and other European countries. The action supports
         NAPTIP and the state task forces to investigate and prosecute trafficking networks,
         including the financial flows behind them, and improves shelter and rehabilitation
         services for about 600 survivors. Community vigilance groups, traditional rulers and
         churches in Benin City and Warri are engaged to counter the juju oaths used to
         control victims.""")),
    dict(key="f02", id="T05-EUTF-SAH-NG-08",
         title="Nigeria – Primary health care and resilience in Borno and Yobe",
         countries=["NG"], sectors=["Health", "Resilience"],
         start="2018-06-01", end="2022-05-31", budget=20_000_000,
         funders=["European Union"], implementers=["UNICEF", "WHO"],
         desc=T("""Restores basic health services in conflict-affected local government areas
         of Borno and Yobe States. About 70 primary health care centres are rehabilitated and
         equipped, staffed with trained midwives and community health extension workers, and
         supplied with essential drugs. Immunisation, nutrition screening for children under
         five and emergency obstetric care are prioritised, and community health committees
         help manage the facilities. The action targets roughly 1.2 million people, including
         displaced people and host communities.""")),
    dict(key="f03", id="T05-EUTF-SAH-GH-01",
         title="Ghana – Support to the Ghana Immigration Service for border and migration management",
         countries=["GH"], sectors=["Border management", "Migration governance"],
         start="2017-02-01", end="2020-01-31", budget=4_300_000,
         funders=["European Union"], implementers=["ICMPD"],
         desc=T("""Supports the Ghana Immigration Service to modernise border control at the
         main land crossings, including Paga, Elubo and Aflao. The action provides new
         equipment and biometric registration linked to central databases, and trains 250
         officers on document fraud, trafficking and protection-sensitive border management.
         A migration data unit is set up at headquarters in Accra to produce regular
         statistics on entries, exits and refusals.""")),
    dict(key="f04", id="T05-EUTF-SAH-GH-03",
         title="Ghana – Jobs and skills for youth in the Bono and Bono East regions",
         countries=["GH"], sectors=["Employment"],
         start="2018-05-01", end="2021-12-31", budget=10_000_000,
         funders=["European Union"], implementers=["GIZ"],
         desc=T("""Many young people from the Bono and Bono East regions, including Techiman
         and Sunyani, migrate to Accra, Libya or Europe in search of work. The action creates
         jobs in cashew, cassava and poultry value chains by helping 120 agribusinesses to
         expand, providing apprenticeships for 4,000 young people, and linking technical and
         vocational institutes with employers. Access to finance for small producers is
         improved through guarantee funds with rural banks.""")),
    dict(key="f05", id="T05-EUTF-SAH-SN-05",
         title="Senegal – Modernising civil registration and the national identity system",
         countries=["SN"], sectors=["Migration governance"],
         start="2018-01-01", end="2022-12-31", budget=28_000_000,
         funders=["European Union"], implementers=["CIVIPOL", "Enabel"],
         desc=T("""Supports Senegal in building a secure and interoperable civil registry and
         a biometric national identity database. Civil registry centres across the country
         are digitised, millions of paper birth, marriage and death records are scanned, and
         a unique personal identifier is introduced. The action aims to give all Senegalese,
         including those living abroad, reliable identity documents, which also facilitates
         consular services and the identification of nationals.""")),
    dict(key="f06", id="T05-EUTF-SAH-SN-03",
         title="Senegal – Job creation in agricultural value chains in Casamance and Saint-Louis",
         countries=["SN"], sectors=["Employment", "Resilience"],
         start="2017-03-01", end="2021-06-30", budget=16_000_000,
         funders=["European Union"], implementers=["AFD", "LuxDev"],
         desc=T("""Creates economic opportunities for young people in the Ziguinchor, Sédhiou,
         Kolda and Saint-Louis regions, where emigration rates are high. Support goes to rice,
         cashew, horticulture and fisheries value chains through small infrastructure such as
         storage facilities and irrigation, vocational training for 6,000 young people and
         financing for some 800 micro and small enterprises. Local authorities plan the
         investments together with producer organisations.""")),
    dict(key="f07", id="T05-EUTF-SAH-GM-03",
         title="The Gambia – Rural water supply in the North Bank and Central River regions",
         countries=["GM"], sectors=["Water and sanitation"],
         start="2020-01-01", end="2023-06-30", budget=7_500_000,
         funders=["European Union"], implementers=["UNICEF", "Department of Water Resources"],
         desc=T("""Provides safe drinking water to about 90,000 people in rural villages of
         the North Bank and Central River regions, where many households depend on
         unprotected wells. Solar-powered boreholes with elevated tanks and standpipes are
         built in 65 communities, and existing hand pumps are rehabilitated. Village water
         committees, in which women hold half of the seats, are trained to collect fees and
         carry out basic maintenance. Hygiene promotion in schools accompanies the
         works.""")),
    dict(key="f08", id="T05-EUTF-SAH-NE-02",
         title="Niger – Joint investigation team against migrant smuggling and trafficking",
         countries=["NE"], sectors=["Border management", "Counter-trafficking"],
         start="2017-01-01", end="2020-06-30", budget=6_000_000,
         funders=["European Union"], implementers=["FIIAPP", "Police nationale (Niger)"],
         desc=T("""Creates a joint investigation team bringing together Nigerien police
         officers and Spanish and French investigators to dismantle networks that smuggle
         migrants towards Libya and traffic people for exploitation. The team, based in
         Niamey with an antenna in Agadez, conducts financial investigations, shares
         intelligence through Interpol and supports prosecutions. Training on victim-centred
         investigation ensures that smuggled migrants are treated as witnesses rather than
         offenders.""")),
    dict(key="f09", id="T05-EUTF-SAH-NE-06",
         title="Niger – Alternative economic opportunities in the Agadez region",
         countries=["NE"], sectors=["Employment", "Resilience"],
         start="2017-05-01", end="2020-12-31", budget=8_000_000,
         funders=["European Union"], implementers=["Haute Autorité à la Consolidation de la Paix"],
         desc=T("""The enforcement of Law 2015-36 against migrant smuggling deprived thousands
         of drivers, hosts and traders in Agadez of their main income. The action supports the
         reconversion of about 800 former actors of the migration economy, who receive cash
         grants and coaching to start legal businesses in transport, trade, tourism services
         or agriculture. The municipalities of Agadez, Arlit and Bilma receive funds for
         labour-intensive works such as market-gardening perimeters and small dams.""")),
    dict(key="f10", id="T05-EUTF-SAH-ML-04",
         title="Mali – Resilience and food security in Mopti and Ségou",
         countries=["ML"], sectors=["Food security", "Resilience"],
         start="2018-02-01", end="2022-01-31", budget=15_000_000,
         funders=["European Union"], implementers=["WFP", "FAO"],
         desc=T("""Strengthens the resilience of rural households in the Mopti and Ségou
         regions, where insecurity and recurrent droughts have disrupted farming and
         pastoralism. Activities include food-for-assets works to rehabilitate ponds and
         pastures, distribution of drought-tolerant seeds, school feeding in 200 schools and
         treatment of malnutrition in children under five. Farmer field schools introduce
         water harvesting techniques. About 350,000 people are expected to benefit.""")),
    dict(key="f11", id="T05-EUTF-SAH-ML-08",
         title="Mali – Mobilising the Malian diaspora for development",
         countries=["ML"], sectors=["Diaspora", "Migration governance"],
         start="2019-04-01", end="2022-12-31", budget=5_000_000,
         funders=["European Union"],
         implementers=["Expertise France", "Délégation générale des Maliens de l'extérieur"],
         desc=T("""Helps the Malian authorities engage the diaspora, estimated at more than
         four million people, in national development. A diaspora investment desk is set up
         in Bamako, a census of Malian associations abroad is carried out with the consulates
         in France, Côte d'Ivoire and Spain, and co-financing is offered for 60 community
         infrastructure projects in the Kayes region proposed by hometown associations. A
         study on lowering remittance costs in the Mali corridor is also funded.""")),
    dict(key="f12", id="T05-EUTF-HOA-ET-07",
         title="Ethiopia – Jobs for refugees and host communities in industrial parks",
         countries=["ET"], sectors=["Employment"],
         start="2017-06-01", end="2022-06-30", budget=20_000_000,
         funders=["European Union"],
         implementers=["Ethiopian Investment Commission", "Refugees and Returnees Service"],
         desc=T("""Supports Ethiopia's commitment to create jobs for refugees and host
         communities in industrial parks such as Hawassa and Mekelle, as part of the Ethiopia
         Jobs Compact. The action finances vocational training, transport and housing schemes
         so that workers can take up factory jobs, as well as legal reforms allowing refugees
         to obtain work permits. Some 30,000 jobs are targeted, including for Eritrean and
         South Sudanese refugees.""")),
    dict(key="f13", id="T05-EUTF-HOA-ET-10",
         title="Ethiopia – Water supply for refugees and hosts in Gambella",
         countries=["ET"], sectors=["Water and sanitation"],
         start="2018-04-01", end="2021-12-31", budget=9_000_000,
         funders=["European Union"], implementers=["UNICEF", "Gambella Regional Water Bureau"],
         desc=T("""Builds an integrated water supply scheme serving the Jewi and Tierkidi
         refugee camps and the surrounding host towns in the Gambella region, replacing costly
         water trucking. A well field, transmission pipelines and storage reservoirs are
         constructed, and a utility run jointly by the regional water bureau and the host town
         operates the system on a cost-recovery basis. About 200,000 refugees and hosts gain
         reliable access to safe water.""")),
    dict(key="f14", id="T05-EUTF-NOA-LY-04",
         title="Libya – Primary health care services in southern municipalities",
         countries=["LY"], sectors=["Health"],
         start="2019-03-01", end="2022-08-31", budget=10_000_000,
         funders=["European Union"], implementers=["AICS", "Ministry of Health (Libya)"],
         desc=T("""Improves access to basic health care for Libyans, internally displaced
         people and migrants in the southern municipalities of Sabha, Ubari, Ghat and Kufra,
         where hospitals have been damaged and staff have left. Primary health centres are
         rehabilitated and receive equipment, essential drugs and ambulances, and health
         workers are trained in maternal care and communicable disease control. Municipal
         councils are supported to plan and manage health services.""")),
    dict(key="f15", id="T05-EUTF-NOA-LY-02",
         title="Libya – Support to integrated border and migration management (maritime search and rescue)",
         countries=["LY"], sectors=["Border management"],
         start="2017-07-01", end="2021-12-31", budget=46_000_000,
         funders=["European Union", "Italy"], implementers=["Italian Ministry of Interior"],
         desc=T("""Strengthens the capacity of the Libyan Coast Guard and the General
         Administration for Coastal Security to carry out search and rescue operations off
         the western Libyan coast. The action provides patrol vessels, communication equipment
         and training on maritime law and human rights, and supports the establishment of a
         Maritime Rescue Coordination Centre in Tripoli. Disembarkation procedures are to be
         improved with the presence of humanitarian organisations at landing points.""")),
    dict(key="f16", id="T05-EUTF-NOA-TN-05",
         title="Tunisia – Rural drinking water supply in Kasserine and Sidi Bouzid",
         countries=["TN"], sectors=["Water and sanitation"],
         start="2018-09-01", end="2022-08-31", budget=12_000_000,
         funders=["European Union"], implementers=["Ministry of Agriculture (Tunisia)", "KfW"],
         desc=T("""Extends drinking water networks to around 60,000 people in scattered rural
         communities of the Kasserine and Sidi Bouzid governorates, where women and girls
         still walk long distances to fetch water. Works include new boreholes, pumping
         stations, storage tanks and 300 km of pipes, together with the restructuring of local
         water user associations (GDA) so that they can run the systems sustainably. Sanitation
         facilities are built in 40 rural schools.""")),
    dict(key="f17", id="T05-EUTF-NOA-TN-02",
         title="Tunisia – Youth entrepreneurship in Jendouba, Siliana and Le Kef",
         countries=["TN"], sectors=["Employment"],
         start="2017-04-01", end="2021-03-31", budget=9_500_000,
         funders=["European Union"],
         implementers=["Expertise France", "Banque Tunisienne de Solidarité"],
         desc=T("""Addresses youth unemployment in the north-western governorates of Jendouba,
         Siliana and Le Kef, where more than a third of young graduates are jobless and many
         consider emigrating. The action funds a business incubator in each governorate,
         offers 1,200 young people training and mentoring to develop business ideas, and
         provides start-up loans through the Banque Tunisienne de Solidarité combined with
         small grants. Priority sectors include agro-food processing, eco-tourism and digital
         services.""")),
    dict(key="f18", id="T05-EUTF-NOA-MA-02",
         title="Morocco – Integration of regularised migrants under the national immigration and asylum strategy",
         countries=["MA"], sectors=["Migration governance", "Protection"],
         start="2016-06-01", end="2019-05-31", budget=8_000_000,
         funders=["European Union"],
         implementers=["Enabel", "Ministry Delegate for Moroccans Living Abroad and Migration Affairs"],
         desc=T("""Following Morocco's regularisation campaigns, which granted residence to
         tens of thousands of migrants, the action supports their social and economic
         integration. Regularised migrants in Rabat, Casablanca, Tangier and Oujda gain access
         to Arabic and French classes, vocational training and job placement through ANAPEC,
         while their children are enrolled in public schools with support classes. Migrant
         associations and Moroccan NGOs receive small grants for community
         projects.""")),
    dict(key="f19", id="T05-EUTF-NOA-MA-05",
         title="Morocco – Vocational training for youth in Souss-Massa",
         countries=["MA"], sectors=["Employment"],
         start="2017-09-01", end="2020-12-31", budget=7_000_000,
         funders=["European Union"], implementers=["OFPPT"],
         desc=T("""Improves the employability of young people in the Souss-Massa region by
         modernising four vocational training centres in Agadir and Taroudant in the
         agro-industry, tourism and renewable energy trades. Curricula are redesigned with
         employers, trainers are upgraded, and a work-based learning system places 3,000
         trainees in companies for at least one third of their training. Career guidance
         units help graduates find jobs locally.""")),
    dict(key="f20", id="T05-EUTF-SAH-NG-09",
         title="Nigeria – Engaging the diaspora through NiDCOM",
         countries=["NG"], sectors=["Diaspora", "Migration governance"],
         start="2019-09-01", end="2022-08-31", budget=3_000_000,
         funders=["European Union"], implementers=["ICMPD", "NiDCOM"],
         desc=T("""Supports the newly created Nigerians in Diaspora Commission to develop a
         diaspora engagement strategy, build a database of diaspora professionals and launch
         a skills transfer scheme through which Nigerian doctors, engineers and academics
         abroad undertake short assignments in Nigerian universities and hospitals. A diaspora
         investment summit in Abuja and a guide for diaspora investors on Nigerian regulations
         are also funded.""")),
    dict(key="f21", id="T05-EUTF-HOA-ET-09",
         title="Ethiopia – Safer labour migration to the Gulf",
         countries=["ET"], sectors=["Legal migration and mobility", "Migration governance"],
         start="2018-09-01", end="2021-12-31", budget=6_000_000,
         funders=["European Union"], implementers=["ILO", "Ministry of Labour and Social Affairs"],
         desc=T("""Supports the implementation of Ethiopia's Overseas Employment Proclamation,
         adopted after the 2013–2018 ban on domestic work migration to the Gulf. The action
         helps the Ministry of Labour and Social Affairs to license and monitor private
         employment agencies, set up pre-departure training centres where prospective domestic
         workers receive 160 hours of skills and rights training, and negotiate bilateral
         labour agreements with Saudi Arabia, the United Arab Emirates and Jordan. Labour
         attachés are trained to assist workers in distress.""")),
    dict(key="f22", id="T05-EUTF-SAH-SN-10",
         title="Senegal – Maternal and newborn health in Matam and Tambacounda",
         countries=["SN"], sectors=["Health"],
         start="2019-05-01", end="2022-12-31", budget=9_000_000,
         funders=["European Union"], implementers=["LuxDev"],
         desc=T("""Reduces maternal and newborn deaths in the Matam and Tambacounda regions,
         where distances to health facilities are long and many men have migrated abroad. The
         action upgrades 25 health posts and two regional hospitals with delivery rooms and
         neonatal care units, trains midwives, and finances a referral system with motorcycle
         ambulances and community health insurance. Community relays follow pregnant women and
         promote facility-based deliveries.""")),
    dict(key="f23", id="T05-EUTF-SAH-GM-02",
         title="The Gambia – Support to the national migration policy and migration data",
         countries=["GM"], sectors=["Migration governance"],
         start="2018-03-01", end=None, budget=None,
         funders=["European Union"], implementers=["ICMPD"],
         desc=T("""Supports the Gambian government in adopting and rolling out its first
         National Migration Policy. A migration coordination mechanism is set up under the
         Ministry of the Interior, the Gambia Bureau of Statistics is trained to collect
         migration data through the labour force survey, and a diaspora directorate is
         established under the Ministry of Foreign Affairs to engage Gambians abroad. Policy
         consultations involve youth groups and returnee associations.""")),
    dict(key="f24", id="T05-EUTF-SAH-NG-07",
         title="Nigeria – Rural water supply and sanitation in Sokoto and Kano States",
         countries=["NG"], sectors=["Water and sanitation"],
         start="2019-01-01", end="2023-06-30", budget=11_000_000,
         funders=["European Union"], implementers=["UNICEF"],
         desc=T("""Extends sustainable water supply and sanitation to rural communities in
         Sokoto and Kano States, where open defecation rates and cholera outbreaks remain
         high. Around 500 boreholes are drilled or rehabilitated, with solar pumps in the
         larger villages, while community-led total sanitation aims to make 1,000 communities
         open-defecation free. Local government WASH units are trained to plan and maintain
         the facilities.""")),
]


# ---------------------------------------------------------------------------
# Ministère des Affaires sociales (Tunisie)  (French; ISO2 countries; TND budgets)
# ---------------------------------------------------------------------------

MIN = [
    # --- planted duplicates -------------------------------------------------
    dict(key="D02", id="MAS-2019-004",
         title="Renforcement de la gouvernance de la migration de main-d'œuvre",
         pays="TN", secteur="Migration de travail",
         start="2019-10-01", end="2023-09-30", budget=18_500_000, bailleur="OIM;Union européenne",
         desc=T("""Appuyer le Ministère et l'ANETI dans une gestion équitable et transparente
         du placement des travailleurs tunisiens à l'étranger. Le projet prévoit la
         modernisation de la cellule de placement international de l'ANETI, la mise en place
         d'une plateforme numérique des offres d'emploi émanant d'employeurs européens et la
         formation de 120 conseillers d'emploi à Tunis, Sfax, Sousse et Gafsa à
         l'intermédiation, à l'orientation avant départ et aux droits des travailleurs.
         L'objectif est le placement de 1 000 demandeurs d'emploi par des voies régulières,
         principalement vers l'Allemagne, la France et la Belgique.""")),
    dict(key="D03", id="MAS-2018-002",
         title="Dispositif national de réintégration des migrants tunisiens de retour (Médenine, Tataouine, Sfax)",
         pays="TN", secteur="Réintégration",
         start="2018-02-01", end="2022-01-31", budget=27_000_000,
         bailleur="Fonds fiduciaire d'urgence de l'UE pour l'Afrique",
         desc=T("""Mise en place d'un dispositif national d'accompagnement économique et social
         des Tunisiens de retour, notamment d'Italie et d'Allemagne, qu'il s'agisse de retours
         volontaires ou forcés. Quelque 1 500 personnes de retour dans les gouvernorats de
         Médenine, Tataouine et Sfax bénéficieront d'un accueil dans des guichets régionaux,
         d'un parcours personnalisé d'orientation, de formations professionnelles et d'un
         financement pour la création de micro-entreprises. Un soutien psychosocial est assuré
         par les bureaux régionaux de l'Office des Tunisiens à l'Étranger.""")),
    dict(key="D12", id="MAS-2021-011",
         title="Espaces d'information sur la migration régulière (Kairouan, Kasserine, Gafsa)",
         pays="TN", secteur="Migration de travail",
         start="2021-04-01", end="2024-03-31", budget=2_100_000, bailleur="Suisse (DDC)",
         desc=T("""Création de trois espaces d'information et d'orientation destinés aux
         jeunes candidats à la migration dans les gouvernorats de Kairouan, Kasserine et
         Gafsa. Les conseillers y présentent les voies de migration régulière, les offres
         d'emploi à l'étranger relayées par l'ANETI et les risques de la migration
         irrégulière, et orientent vers les formations disponibles localement. Environ 9 000
         jeunes doivent être reçus en trois ans. Les espaces sont animés en partenariat avec
         l'association Réseau Mobilité Solidaire Tunisie.""")),
    # --- near miss ----------------------------------------------------------
    dict(key="N13", id="MAS-2012-001",
         title="Programme de réinsertion des travailleurs tunisiens rapatriés",
         pays="TN", secteur="Réintégration",
         start="2012-01-01", end="2013-12-31", budget=4_000_000, bailleur="Budget de l'État",
         desc=T("""Accompagnement économique et social des travailleurs tunisiens revenus de
         Libye et d'Italie après 2011, principalement originaires de Médenine, Tataouine et
         Sfax. Quelque 1 200 personnes de retour bénéficient d'un accueil dans les bureaux
         régionaux de l'emploi, d'une orientation vers la formation professionnelle et de
         prêts de la Banque Tunisienne de Solidarité pour créer leur micro-entreprise. Un
         appui psychologique est assuré aux plus vulnérables par les services
         sociaux.""")),
    # --- complementary --------------------------------------------------------
    dict(key="K2", id="MAS-2020-006",
         title="Portabilité des droits sociaux des travailleurs tunisiens placés à l'étranger",
         pays="TN", secteur="Protection sociale",
         start="2020-01-01", end="2023-06-30", budget=1_400_000,
         bailleur="Organisation internationale du Travail (OIT)",
         desc=T("""Garantir que les travailleurs tunisiens recrutés à l'étranger dans le cadre
         des programmes de placement de l'ANETI, notamment vers l'Allemagne et la France,
         conservent leurs droits sociaux : négociation d'avenants aux conventions bilatérales
         de sécurité sociale, procédure simplifiée de totalisation des périodes d'assurance et
         guichet CNSS dédié au transfert des pensions en cas de retour. Les conseillers de
         l'ANETI sont formés pour informer chaque candidat au départ de ses droits.""")),
    # --- background -----------------------------------------------------------
    dict(key="f01", id="MAS-2013-003",
         title="Couverture sociale des travailleurs tunisiens en Libye",
         pays="TN;LY", secteur="Protection sociale",
         start="2013-03-01", end="2014-12-31", budget=450_000, bailleur="Budget de l'État",
         desc=T("""Une part importante des travailleurs tunisiens repartis en Libye après 2011
         y travaille sans aucune couverture sociale. Le projet vise à réactiver la convention
         tuniso-libyenne de sécurité sociale, à ouvrir des permanences de la CNSS aux postes
         frontaliers de Ras Jedir et Dhehiba et à informer les travailleurs de Médenine et de
         Tataouine sur les modalités d'affiliation volontaire. Un recensement des travailleurs
         tunisiens en Libye est réalisé avec les consulats de Tripoli et de
         Benghazi.""")),
    dict(key="f02", id="MAS-2019-009",
         title="Registre social unique et ciblage du programme AMEN",
         pays="TN", secteur="Protection sociale",
         start="2019-01-01", end="2022-12-31", budget=35_000_000, bailleur="Banque mondiale",
         desc=T("""Mise en place d'un registre social unique permettant de mieux cibler les
         quelque 285 000 familles bénéficiaires du Programme national d'aide aux familles
         nécessiteuses et de l'assistance médicale gratuite. Le projet finance
         l'interconnexion des bases de données de la CNSS, de la CNRPS et du ministère des
         Finances, la formation de 1 100 travailleurs sociaux aux nouvelles méthodes
         d'enquête et une plateforme de réclamation en ligne. Les transferts monétaires sont
         progressivement versés par voie électronique.""")),
    dict(key="f03", id="MAS-2021-014",
         title="Inclusion des personnes en situation de handicap : carte numérique et emploi",
         pays="TN", secteur="Inclusion sociale",
         start="2021-03-01", end="2023-12-31", budget=2_800_000, bailleur="Union européenne",
         desc=T("""Modernisation de la délivrance de la carte de personne handicapée,
         désormais numérisée et liée aux droits sociaux, et appui à l'insertion
         professionnelle de 1 500 personnes en situation de handicap dans les gouvernorats de
         Tunis, Sfax, Kairouan et Gabès. Des aides sont accordées aux entreprises pour
         l'aménagement des postes de travail, et les centres d'éducation spécialisée
         reçoivent des équipements et des formations pour leur personnel.""")),
    dict(key="f04", id="MAS-2022-003",
         title="Université d'été des jeunes Tunisiens résidant à l'étranger",
         pays="TN", secteur="Diaspora",
         start="2022-06-01", end="2023-09-30", budget=600_000, bailleur="Budget de l'État (OTE)",
         desc=T("""Organisation par l'Office des Tunisiens à l'Étranger de séjours d'été pour
         400 jeunes Tunisiens de deuxième et troisième génération vivant en France, en Italie,
         en Allemagne et au Canada. Le programme combine cours d'arabe, visites patrimoniales
         à Kairouan, Tozeur et Dougga et rencontres avec des entrepreneurs et des associations
         locales, afin de renforcer les liens des jeunes avec la Tunisie et de susciter de
         futurs projets d'investissement ou de bénévolat.""")),
    dict(key="f05", id="MAS-2016-005",
         title="Guichet unique pour l'investissement des Tunisiens résidant à l'étranger",
         pays="TN", secteur="Diaspora",
         start="2016-04-01", end="2018-12-31", budget=1_200_000,
         bailleur="Agence française de développement",
         desc=T("""Création au sein de l'Office des Tunisiens à l'Étranger d'un guichet unique
         qui accompagne les Tunisiens résidant à l'étranger dans leurs projets
         d'investissement en Tunisie : information sur les avantages fiscaux et douaniers,
         mise en relation avec l'APII et les banques, et suivi administratif des dossiers. Des
         antennes ouvrent pendant la saison estivale aux ports de La Goulette et de Zarzis et à
         l'aéroport de Tunis-Carthage. L'objectif est d'accompagner 500 projets,
         principalement dans les régions intérieures.""")),
    dict(key="f06", id="MAS-2020-002",
         title="Mobilisation des compétences tunisiennes à l'étranger",
         pays="TN", secteur="Diaspora",
         start="2020-02-01", end="2022-12-31", budget=900_000, bailleur="PNUD",
         desc=T("""Constitution d'une base de données des compétences tunisiennes résidant à
         l'étranger et organisation de missions d'expertise de courte durée dans les
         universités, les hôpitaux et les administrations tunisiennes. Quelque 150 experts,
         notamment en ingénierie, en santé et dans le numérique, doivent réaliser des missions
         de deux à quatre semaines. Une plateforme en ligne permet aux institutions tunisiennes
         d'exprimer leurs besoins et aux experts de la diaspora de proposer leurs
         services.""")),
    dict(key="f07", id="MAS-2016-007",
         title="Placement de travailleurs tunisiens dans les pays du Golfe",
         pays="TN", secteur="Migration de travail",
         start="2016-01-01", end="2018-06-30", budget=700_000, bailleur="Budget de l'État",
         desc=T("""Négociation et mise en œuvre d'accords de main-d'œuvre avec le Qatar, les
         Émirats arabes unis et l'Arabie saoudite pour le placement d'enseignants,
         d'ingénieurs, de techniciens de santé et d'ouvriers qualifiés. L'ATCT et l'ANETI
         organisent à Tunis des journées de recrutement avec les employeurs du Golfe,
         vérifient les contrats de travail et assurent le suivi des travailleurs placés par
         l'intermédiaire des attachés sociaux des ambassades. Environ 3 000 placements sont
         visés.""")),
    dict(key="f08", id="MAS-2014-004",
         title="Migration circulaire saisonnière vers l'Italie (agriculture)",
         pays="TN", secteur="Migration de travail",
         start="2014-02-01", end="2016-01-31", budget=350_000,
         bailleur="Italie (Ministère du Travail)",
         desc=T("""Projet pilote de migration circulaire permettant à 600 travailleurs
         agricoles des gouvernorats de Jendouba, Béja et Kairouan d'effectuer des saisons de
         récolte en Sicile et dans les Pouilles dans le cadre des quotas annuels italiens. Le
         projet prend en charge la sélection, la formation avant départ, le suivi des
         conditions de travail et d'hébergement en Italie et l'accompagnement au retour, les
         travailleurs s'engageant à revenir à la fin de chaque saison.""")),
    dict(key="f09", id="MAS-2022-008",
         title="Formation linguistique et reconnaissance des diplômes des infirmiers (Allemagne)",
         pays="TN", secteur="Mobilité des compétences",
         start="2022-01-01", end="2024-12-31", budget=3_200_000, bailleur="Allemagne (GIZ)",
         desc=T("""Préparation de 400 infirmiers et infirmières diplômés tunisiens à un emploi
         dans les hôpitaux et maisons de retraite allemands : cours d'allemand jusqu'au niveau
         B2, accompagnement dans la procédure de reconnaissance des diplômes et préparation
         aux entretiens d'embauche. Le projet suit une logique de double bénéfice : pour chaque
         infirmier placé, les employeurs allemands financent la formation continue d'un
         infirmier exerçant dans les hôpitaux régionaux de Kasserine, Sidi Bouzid ou
         Gafsa.""")),
    dict(key="f10", id="MAS-2018-006",
         title="Appel à projets pour les associations de Tunisiens à l'étranger",
         pays="TN", secteur="Diaspora",
         start="2018-03-01", end="2020-06-30", budget=800_000, bailleur="Budget de l'État (OTE)",
         desc=T("""Appel à projets annuel destiné aux associations de Tunisiens à l'étranger
         pour financer des actions de solidarité et de développement dans leurs régions
         d'origine : équipement d'écoles et de dispensaires, bourses pour des étudiants,
         formations. Une quarantaine de projets sont cofinancés chaque année, principalement
         dans les gouvernorats du Sud et du Centre-Ouest, avec une contribution minimale de
         30 % apportée par l'association.""")),
    dict(key="f11", id="MAS-2015-002",
         title="Élaboration de la Stratégie nationale migratoire",
         pays="TN", secteur="Gouvernance migratoire",
         start="2015-05-01", end="2017-12-31", budget=None, bailleur="",
         desc=T("""Conduite de la concertation nationale pour l'élaboration de la première
         Stratégie nationale migratoire de la Tunisie, autour de cinq objectifs : gouvernance,
         protection des droits des Tunisiens à l'étranger, contribution de la migration au
         développement, migration régulière et protection des migrants étrangers en Tunisie.
         Des ateliers régionaux associent administrations, syndicats, associations et
         représentants de la diaspora, et un plan d'action chiffré est soumis au Conseil des
         ministres.""")),
    dict(key="f12", id="MAS-2019-012",
         title="Soutien psychosocial aux familles des migrants disparus en mer",
         pays="TN", secteur="Protection",
         start="2019-09-01", end="2021-12-31", budget=500_000, bailleur="Union européenne",
         desc=T("""Mise en place d'un accompagnement psychologique, social et juridique pour
         les familles de jeunes Tunisiens disparus lors de traversées irrégulières vers
         l'Italie, notamment à Sfax, Mahdia, Zarzis et dans les quartiers populaires de Tunis.
         Des cellules d'écoute sont ouvertes dans les centres de défense et d'intégration
         sociale, les familles sont aidées dans leurs démarches d'identification auprès des
         autorités italiennes, et un fichier national des personnes disparues est constitué
         avec le ministère de l'Intérieur.""")),
    dict(key="f13", id="MAS-2016-010",
         title="Affiliation à la sécurité sociale des travailleurs étrangers en Tunisie",
         pays="TN", secteur="Protection sociale",
         start="2016-09-01", end="2018-08-31", budget=300_000, bailleur="OIT",
         desc=T("""Étude et projet pilote visant à faciliter l'affiliation à la CNSS des
         travailleurs étrangers en situation régulière, notamment les travailleurs
         subsahariens et les étudiants salariés, à Tunis et à Sfax. Le projet prévoit la
         simplification des procédures d'immatriculation, la traduction des supports
         d'information en anglais et en français, et des sessions d'information conjointes
         avec les inspecteurs du travail auprès des employeurs du bâtiment et des
         services.""")),
    dict(key="f14", id="MAS-2018-010",
         title="Assistance médicale gratuite : nouvelle carte de soins électronique",
         pays="TN", secteur="Santé",
         start="2018-01-01", end="2020-12-31", budget=6_000_000,
         bailleur="Banque africaine de développement",
         desc=T("""Remplacement des carnets de soins de l'assistance médicale gratuite par une
         carte électronique pour les 900 000 bénéficiaires des programmes d'aide sociale, afin
         de faciliter l'accès aux structures sanitaires publiques et de mieux suivre les
         dépenses. Le projet comprend l'équipement des hôpitaux régionaux et des centres de
         santé de base en lecteurs de cartes, la formation du personnel d'accueil et une
         campagne d'information auprès des familles bénéficiaires.""")),
    dict(key="f15", id="MAS-2019-014",
         title="Plan national de lutte contre le travail des enfants",
         pays="TN", secteur="Travail décent",
         start="2019-06-01", end="2022-05-31", budget=1_100_000, bailleur="OIT;États-Unis (USDOL)",
         desc=T("""Mise en œuvre du plan d'action national contre le travail des enfants, en
         particulier dans l'agriculture saisonnière, le travail domestique des jeunes filles
         et le commerce informel. Les inspecteurs du travail sont formés à l'identification des
         enfants au travail, des comités régionaux sont créés à Jendouba, Kairouan, Sidi Bouzid
         et Kasserine, et les familles concernées bénéficient de transferts sociaux
         conditionnés à la scolarisation.""")),
    dict(key="f16", id="MAS-2020-009",
         title="Centres de défense et d'intégration sociale : accompagnement des jeunes en rupture",
         pays="TN", secteur="Inclusion sociale",
         start="2020-03-01", end="2022-12-31", budget=1_900_000, bailleur="UNICEF",
         desc=T("""Renforcement des centres de défense et d'intégration sociale (CDIS) qui
         accueillent les adolescents en décrochage scolaire ou en conflit avec la loi. Le
         projet rénove huit centres, forme 120 éducateurs et psychologues à la prise en charge
         des jeunes à risque, y compris ceux qui envisagent une traversée irrégulière, et met
         en place des parcours de réinsertion vers la formation professionnelle ou
         l'apprentissage à Tunis, Bizerte, Sfax et Gabès.""")),
    dict(key="f17", id="MAS-2017-004",
         title="Orientation avant départ des travailleurs recrutés à l'étranger",
         pays="TN", secteur="Migration de travail",
         start="2017-01-01", end="2019-06-30", budget=400_000, bailleur="Suisse (DDC)",
         desc=T("""Conception d'un module national d'orientation avant départ pour les
         travailleurs tunisiens ayant obtenu un contrat de travail à l'étranger,
         principalement dans les pays du Golfe, en France et en Allemagne. Les séances de deux
         jours, animées par les conseillers de l'ANETI et de l'ATCT à Tunis, Sousse et Sfax,
         portent sur le contrat de travail, les droits du travailleur, la législation du pays
         d'accueil, l'assistance consulaire et l'envoi d'argent à moindre coût. Environ 3 500
         travailleurs doivent être formés.""")),
    dict(key="f18", id="MAS-2021-006",
         title="Inclusion économique des femmes rurales à Jendouba et Béja",
         pays="TN", secteur="Inclusion sociale",
         start="2021-01-01", end="2024-06-30", budget=2_500_000, bailleur="FIDA",
         desc=T("""Accompagnement de 2 000 femmes rurales issues de familles bénéficiaires de
         l'aide sociale dans les gouvernorats de Jendouba et Béja vers une activité
         génératrice de revenus : formation, petits équipements pour la transformation du lait
         et des plantes aromatiques, constitution de groupements et accès à la couverture
         sociale des travailleuses agricoles. Le transport sécurisé des ouvrières agricoles
         vers les exploitations est également organisé.""")),
    dict(key="f19", id="MAS-2021-009",
         title="Digitalisation des services de la CNSS pour les Tunisiens à l'étranger",
         pays="TN", secteur="Protection sociale",
         start="2021-06-01", end="2023-12-31", budget=1_500_000, bailleur="Budget de l'État",
         desc=T("""Développement d'un espace numérique permettant aux Tunisiens résidant à
         l'étranger de consulter leurs droits, de cotiser volontairement, de demander le
         transfert de leur pension et de suivre leurs dossiers sans se déplacer en Tunisie. Un
         centre d'appel multilingue est mis en place et les attachés sociaux des consulats
         sont formés à l'accompagnement des usagers. Le projet prévoit également l'échange
         électronique de données avec les caisses de sécurité sociale françaises et
         italiennes.""")),
    dict(key="f20", id="MAS-2017-008",
         title="Appui à la mise en place du Conseil national du dialogue social",
         pays="TN", secteur="Travail décent",
         start="2017-09-01", end="2019-12-31", budget=700_000, bailleur="OIT",
         desc=T("""Accompagnement de la mise en place du Conseil national du dialogue social
         créé par la loi de 2017 : élaboration du règlement intérieur, formation des
         représentants du gouvernement, de l'UGTT et de l'UTICA, et création de conseils
         régionaux dans six gouvernorats pilotes. Des études techniques sur le salaire
         minimum, la sécurité et la santé au travail et la réforme des retraites alimentent
         les négociations tripartites.""")),
    dict(key="f21", id="MAS-2018-004",
         title="Programme Jeunes professionnels Tunisie–France",
         pays="TN", secteur="Mobilité des compétences",
         start="2018-01-01", end="2020-12-31", budget=500_000, bailleur="France (OFII)",
         desc=T("""Mise en œuvre de l'accord bilatéral permettant chaque année à de jeunes
         diplômés tunisiens de 18 à 35 ans d'acquérir une expérience professionnelle de 12 à
         24 mois en France. Le projet finance la promotion du dispositif auprès des
         universités et des centres de formation, l'appui à la recherche d'employeurs
         français, la préparation linguistique et culturelle des candidats et un suivi au
         retour pour valoriser l'expérience acquise sur le marché tunisien.""")),
    dict(key="f22", id="MAS-2022-010",
         title="Renforcement de l'inspection du travail dans le secteur agricole",
         pays="TN", secteur="Travail décent",
         start="2022-03-01", end="2024-12-31", budget=900_000, bailleur="OIT;Pays-Bas",
         desc=T("""Renforcement de l'inspection du travail dans le secteur agricole, où les
         ouvrières sont souvent transportées dans des conditions dangereuses et payées en
         dessous du salaire minimum. Le projet forme 80 inspecteurs, finance des contrôles
         conjoints avec la Garde nationale sur les routes rurales de Sidi Bouzid, Kairouan et
         Jendouba, et soutient l'affiliation des ouvrières au régime de sécurité sociale des
         travailleurs agricoles.""")),
    dict(key="f23", id="MAS-2019-005",
         title="Jumelage entre associations de la diaspora et communes du Sud",
         pays="TN", secteur="Diaspora",
         start="2019-04-01", end="2022-03-31", budget=650_000, bailleur="Union européenne",
         desc=T("""Mise en relation d'associations de Tunisiens établis en France, en Italie
         et en Allemagne avec douze communes des gouvernorats de Tataouine, Kébili et Médenine
         pour cofinancer des projets locaux : équipements sportifs, bibliothèques, petits
         réseaux d'irrigation et maisons de jeunes. Les communes reçoivent un appui à la
         planification participative et les associations un accompagnement pour monter leurs
         dossiers de financement.""")),
    dict(key="f24", id="MAS-2019-011",
         title="Aide à domicile pour les personnes âgées sans soutien familial",
         pays="TN", secteur="Inclusion sociale",
         start="2019-01-01", end="2021-12-31", budget=1_300_000, bailleur="Budget de l'État",
         desc=T("""Extension du programme d'aide à domicile aux personnes âgées vivant seules,
         nombreuses dans les zones rurales de l'intérieur du fait de l'émigration des enfants.
         Des équipes mobiles composées d'un infirmier, d'un travailleur social et d'un
         aide-soignant rendent régulièrement visite à 6 000 personnes âgées à Siliana, au Kef,
         à Kasserine et à Tataouine, et des aides techniques sont distribuées.""")),
    dict(key="f25", id="MAS-2020-004",
         title="Cellule de rapatriement des Tunisiens bloqués à l'étranger (COVID-19)",
         pays="TN", secteur="Retour",
         start="2020-03-15", end="2021-06-30", budget=2_000_000, bailleur="Budget de l'État",
         desc=T("""Coordination, avec le ministère des Affaires étrangères, du rapatriement
         des Tunisiens bloqués à l'étranger lors de la fermeture des frontières liée à la
         pandémie : travailleurs saisonniers, étudiants, malades et personnes âgées. L'Office
         des Tunisiens à l'Étranger prend en charge les frais d'hébergement en quarantaine,
         verse une aide financière d'urgence aux familles les plus vulnérables et ouvre une
         ligne d'écoute. Plus de 25 000 rapatriements sont prévus.""")),
]


# ---------------------------------------------------------------------------
# NGO partners  (semicolon CSV; "|" inside cells; dd/mm/yyyy dates)
# ---------------------------------------------------------------------------

DRC = "Danish Refugee Council"
NRC = "Norwegian Refugee Council"
CS = "Caritas Senegal"
CM = "Caritas Mali"
MRNN = "Migrant Rights Network Nigeria"
DIG = "Diaspora Invest Ghana"
GHWC = "Ghana Health Workforce Coalition"
RMST = "Réseau Mobilité Solidaire Tunisie"
RSM = "Réseau Sahel Mobilité"
YAIM = "Youth Against Irregular Migration (Gambia)"
TAM = "Tanger Accueil Migrants"
TESFA = "Tesfa Women's Shelter (Ethiopia)"
NWTG = "Northern Water Trust Ghana"

NGO = [
    # --- planted duplicates -------------------------------------------------
    dict(key="D04", ref="CS-2020-07", partner=CS,
         title="Réintégration communautaire des migrants de retour à Tambacounda et Kolda",
         countries=["Senegal"], themes=["Réintégration"],
         start="2020-04-15", end="2022-12-31",
         funders=["OIM", "Fonds fiduciaire de l'UE pour l'Afrique"],
         desc=T("""Accompagnement de 800 migrants de retour, principalement revenus de Libye,
         du Niger et du Maroc, dans les régions de Tambacounda et de Kolda. Les bénéficiaires
         sont regroupés avec des jeunes de leurs communautés au sein de coopératives
         agricoles, de périmètres maraîchers et de petites unités d'élevage ; douze sites
         seront équipés de pompes solaires. Caritas assure le suivi social et la médiation
         familiale des personnes de retour, en lien avec l'OIM et les agences régionales de
         développement.""")),
    dict(key="D05", ref="DRC-NE-18-02", partner=DRC,
         title="Protection monitoring and case management for migrants in transit, Agadez",
         countries=["Niger"], themes=["Protection"],
         start="2018-07-01", end="2021-06-30", funders=["IOM", "Netherlands"],
         desc=T("""In partnership with IOM, DRC monitors protection risks along the
         Agadez–Dirkou–Séguédine route and in the transit centres of Agadez and Arlit.
         Protection officers identify unaccompanied children, survivors of trafficking and
         people with serious medical needs among the roughly 5,000 migrants assisted every
         year, and provide case management, family tracing and referrals. Our teams also
         accompany desert search and rescue missions to document incidents and share
         anonymised data with humanitarian partners.""")),
    dict(key="D06", ref="DIG-2019-01", partner=DIG,
         title="Diaspora Matching Grant Facility (Kumasi & Accra)",
         countries=["Ghana"], themes=["Diaspora investment"],
         start="2019-09-01", end="2022-08-31", funders=["EU Trust Fund for Africa"],
         desc=T("""Our flagship facility matches every cedi that members of the Ghanaian
         diaspora invest in a local small business with a grant of equal value, up to a
         ceiling of EUR 40,000. We aim to back about 150 SMEs in Kumasi and Accra, mostly in
         agro-processing, manufacturing and digital services, with a target of 750 new jobs
         for young people. Applicants get help with business plans, legal registration and
         due diligence. Financed by the EU Trust Fund and run jointly with the Ghana
         Investment Promotion Centre.""")),
    dict(key="D09", ref="MRNN-22-04", partner=MRNN,
         title="Fair recruitment: agency licensing and worker complaints (Lagos, Abuja)",
         countries=["Nigeria"], themes=["Fair recruitment", "Advocacy"],
         start="2022-03-01", end="2024-12-31", funders=["IOM", "FCDO"],
         desc=T("""Together with IOM and the Federal Ministry of Labour, we are pushing for
         zero recruitment fees for Nigerian workers going abroad. The programme supports a
         review of the licensing rules for private recruitment agencies and the audit of some
         60 major agencies in Lagos and Abuja. MRNN runs community outreach and a toll-free
         complaint line, with a focus on women recruited as domestic workers for Saudi
         Arabia, Oman and Lebanon, and publishes a yearly report naming abusive
         recruiters.""")),
    dict(key="D10", ref="DRC-ET-19-05", partner=DRC,
         title="Livelihoods and psychosocial support for Saudi returnees in Amhara and Oromia",
         countries=["Ethiopia"], themes=["Reintegration", "Livelihoods"],
         start="2019-04-01", end="2022-09-30", funders=["EU Trust Fund for Africa"],
         desc=T("""DRC supports about 3,500 Ethiopian migrants deported from Saudi Arabia as
         they go back to their communities in Wollo (Amhara) and in the East Hararghe and
         Jimma zones (Oromia). Returnees receive counselling and trauma care, short vocational
         courses and seed capital for micro-businesses, with cases managed hand in hand with
         the woreda labour and social affairs offices. Many came back owing money to brokers,
         so the project also offers debt counselling and community conversations.""")),
    dict(key="D12", ref="RMST-21-01", partner=RMST,
         title="Points d'information migration à Kairouan, Kasserine et Gafsa",
         countries=["Tunisia"], themes=["Information", "Mobilité"],
         start="2021-05-01", end="2024-03-31", funders=["Coopération suisse"],
         desc=T("""Notre association anime, avec le Ministère des Affaires sociales, trois
         points d'accueil pour les jeunes qui envisagent de partir à l'étranger, à Kairouan,
         Kasserine et Gafsa. On y informe sur les filières légales de départ, les annonces
         d'emploi à l'international et les dangers des traversées irrégulières, et on oriente
         vers les dispositifs locaux de formation et d'emploi. Près de 9 000 jeunes sont
         attendus sur la durée du projet.""")),
    dict(key="D15", ref="DIG-2021-03", partner=DIG,
         title="Diaspora Health Experts Programme",
         countries=["Ghana"], themes=["Diaspora investment", "Health"],
         start="2021-11-01", end="2024-09-30", funders=["IOM", "Netherlands"],
         desc=T("""Connects Ghanaian health professionals abroad with teaching hospitals at
         home. Around 40 diaspora doctors, nurses and lab scientists, mostly based in the
         Netherlands, the UK and Germany, will spend one to three months in Tamale, Kumasi or
         Cape Coast training local teams in critical care, newborn care and diagnostics. We
         recruit and vet the experts and organise travel and accommodation; IOM provides the
         funding through its Dutch-funded programme and the Ghana Health Service sets the
         priorities.""")),
    # --- near misses --------------------------------------------------------
    dict(key="N01", ref="CS-2022-03", partner=CS,
         title="Migrant information and orientation point, Dakar",
         countries=["Senegal"], themes=["Protection", "Information"],
         start="2022-02-01", end="2025-01-31", funders=["Caritas Spain", "AECID"],
         desc=T("""Caritas runs an information and orientation desk in Dakar for young people
         thinking of leaving, for returning migrants and for foreign migrants living in the
         city. Counsellors explain visa and work permit procedures, flag fraudulent travel
         agents and the dangers of pirogue departures, and refer people to training and job
         opportunities. Legal aid and family mediation are offered to returnees. About 4,500
         visits per year are expected.""")),
    dict(key="N07", ref="DRC-TN-20-01", partner=DRC,
         title="Protection and assistance for migrants in transit in Sfax and Médenine",
         countries=["Tunisia"], themes=["Protection"],
         start="2020-03-01", end="2023-02-28", funders=["ECHO", "Denmark"],
         desc=T("""Provides emergency shelter, health referrals, legal information and
         psychosocial support to sub-Saharan migrants stranded in Sfax and Médenine, many of
         whom were intercepted at sea or fled Libya. Around 3,000 people, with priority to
         unaccompanied children, survivors of violence and pregnant women, are assisted.
         Staff of regional hospitals are trained to treat migrants regardless of status, and
         case workers refer people who wish to go home to voluntary return
         programmes.""")),
    dict(key="N09", ref="CM-2019-02", partner=CM,
         title="Solar boreholes and water committees in Kayes and Koulikoro",
         countries=["Mali"], themes=["WASH"],
         start="2019-01-01", end="2021-12-31", funders=["Caritas Internationalis", "Luxembourg"],
         desc=T("""Drills 40 solar-powered boreholes and extends small piped networks in rural
         communes of the Kayes and Koulikoro regions, areas with high emigration to France and
         Spain. Water user committees with at least 40% women members are trained to set
         tariffs and maintain equipment. Latrines and hand-washing stations are built in 50
         schools and health posts, reaching about 100,000 people.""")),
    dict(key="N10", ref="MRNN-16-01", partner=MRNN,
         title="Pre-departure orientation for Nigerian migrant workers",
         countries=["Nigeria"], themes=["Fair recruitment"],
         start="2016-05-01", end="2017-04-30", funders=["Open Society Initiative for West Africa"],
         desc=T("""Runs pre-departure orientation sessions in Lagos and Abuja for Nigerians who
         have secured jobs abroad, mainly in the Gulf states. Two-day workshops cover
         contracts, wages, rights under the kafala system, how to contact the Nigerian embassy
         and how to send money home cheaply. About 2,500 workers, mostly women going into
         domestic work, are expected to attend. Recruitment agencies are invited to refer
         their workers.""")),
    dict(key="N18", ref="MRNN-13-02", partner=MRNN,
         title="Community vigilance against human trafficking in Edo and Delta",
         countries=["Nigeria"], themes=["Protection", "Advocacy"],
         start="2013-02-01", end="2014-12-31", funders=["Ford Foundation"],
         desc=T("""Works with community vigilance groups, traditional rulers and pastors in
         Benin City, Uromi and Warri to expose the trafficking of young women to Italy for
         sexual exploitation. MRNN volunteers identify recruiters, help families report cases
         to NAPTIP, and accompany about 150 survivors through shelter, counselling and court
         proceedings. A campaign with traditional authorities tackles the juju oaths that
         traffickers use to silence victims.""")),
    dict(key="N19", ref="TAM-22-01", partner=TAM,
         title="Integration of regularised migrants in Tangier: language, jobs and schooling",
         countries=["Morocco"], themes=["Protection", "Livelihoods"],
         start="2022-01-01", end="2024-12-31", funders=["Open Society Foundations", "AECID"],
         desc=T("""Many migrants who obtained residence permits during Morocco's
         regularisation campaigns still live precariously in Tangier. The association offers
         Darija and French classes, vocational training and job placement with local employers
         in textiles, logistics and hospitality for about 900 regularised migrants, and helps
         families enrol their children in public schools. Permit renewals are followed up with
         the prefecture so that people do not fall back into irregularity.""")),
    dict(key="N21", ref="CM-2023-01", partner=CM,
         title="Coopératives de migrants de retour dans la région de Kayes",
         countries=["Mali"], themes=["Réintégration"],
         start="2023-02-01", end="2025-01-31", funders=["Caritas Espagne", "AECID"],
         desc=T("""Appui à 40 coopératives créées par des Maliens revenus d'Algérie, de Libye
         et de Mauritanie dans les cercles de Kayes, Diéma et Nioro du Sahel. Les
         coopératives, qui associent migrants de retour et jeunes restés au village, reçoivent
         des équipements pour l'embouche bovine, le maraîchage et la transformation de
         produits locaux, ainsi qu'un accompagnement en gestion. Un soutien psychosocial est
         proposé aux personnes de retour qui ont subi des violences sur la route.""")),
    # --- conflicts ----------------------------------------------------------
    dict(key="C1", ref="DRC-LY-22-01", partner=DRC,
         title="Local integration and labour regularisation for Nigerian and West African workers in Libya",
         countries=["Libya"], themes=["Protection", "Livelihoods"],
         start="2022-01-01", end="2024-12-31", funders=["Denmark", "Switzerland"],
         desc=T("""Many Nigerians in Tripoli and Misrata have lived and worked in Libya for
         years in construction, agriculture and cleaning and do not wish to go back. DRC helps
         around 3,000 of them to stay safely: legal counselling to obtain work permits and
         residence cards through Libyan employers, mediation with municipalities, certification
         of vocational skills, and advocacy with the Libyan Ministry of Labour for a
         regularisation scheme for long-term migrant workers. Community centres let migrants
         and Libyans access services side by side.""")),
    dict(key="C2", ref="GHWC-23-01", partner=GHWC,
         title="Keeping our nurses: retention incentives for nurses in Ghana",
         countries=["Ghana"], themes=["Health", "Advocacy"],
         start="2023-01-01", end="2025-12-31", funders=["Open Society Foundations"],
         desc=T("""Ghana lost several thousand nurses to the UK, the US and Europe in 2022
         alone, leaving many district hospitals critically understaffed. This programme works
         with the Ministry of Health to keep nurses in the Ghanaian health system: hardship
         allowances and housing for nurses posted in the Northern, Ashanti and Upper East
         regions, guaranteed postgraduate specialisation after three years of service, and a
         campaign against the active recruitment of Ghanaian nurses by foreign employers,
         which we consider incompatible with the WHO safeguard list.""")),
    dict(key="C3", ref="RSM-22-02", partner=RSM,
         title="Mobilité sûre et régulière sur l'axe Agadez–Libye",
         countries=["Niger"], themes=["Mobilité", "Plaidoyer"],
         start="2022-09-01", end="2025-08-31", funders=["Open Society Initiative for West Africa"],
         desc=T("""Le projet vise à sécuriser la mobilité des migrants et des transporteurs
         sur l'axe Agadez–Libye plutôt qu'à la réprimer. Il soutient la réouverture de lignes
         légales de transport de passagers vers Dirkou et la frontière, l'enregistrement des
         transporteurs, la délivrance de documents de voyage CEDEAO et l'information sur les
         possibilités de migration régulière de travail vers la Libye et l'Algérie. Il plaide
         pour l'abrogation de la loi 2015-36, qui a criminalisé le transport de migrants et
         poussé les trajets vers des pistes plus dangereuses.""")),
    dict(key="C4", ref="NRC-NE-21-02", partner=NRC,
         title="Out-of-camp assistance for displaced households in Diffa host communities",
         countries=["Niger"], themes=["Shelter", "Protection"],
         start="2021-03-01", end="2023-12-31", funders=["Norway", "ECHO"],
         desc=T("""Most Nigerian refugees and Nigerien IDPs in the Diffa region live among host
         communities along National Road 1 and have told us they do not want to move to the
         Sayam Forage camp, far from their fields and markets. NRC supports about 12,000
         displaced people where they are: cash for rent and shelter upgrades in host villages,
         rehabilitation of village water points shared with hosts, and legal assistance to
         secure access to farmland. The approach deliberately avoids encampment to preserve
         livelihoods and social ties.""")),
    dict(key="C5", ref="RMST-23-03", partner=RMST,
         title="Intégration locale et régularisation des travailleurs subsahariens à Sfax",
         countries=["Tunisia"], themes=["Protection", "Plaidoyer"],
         start="2023-09-01", end="2025-08-31", funders=["Misereor"],
         desc=T("""Beaucoup de migrants subsahariens de Sfax travaillent depuis des années dans
         l'agriculture, le bâtiment et les services et souhaitent rester en Tunisie. Le projet
         accompagne environ 2 500 d'entre eux vers la régularisation de leur séjour et de leur
         travail : conseil juridique, médiation avec les employeurs oléicoles d'El Amra et de
         Jebeniana, cours d'arabe tunisien et plaidoyer pour un mécanisme national de
         régularisation. Il défend l'intégration locale comme alternative aux retours
         présentés comme « volontaires ».""")),
    # --- complementary --------------------------------------------------------
    dict(key="K1", ref="MRNN-23-02", partner=MRNN,
         title="Jobs for returnees from Libya in Edo State",
         countries=["Nigeria"], themes=["Reintegration", "Livelihoods"],
         start="2023-04-01", end="2025-03-31", funders=["Switzerland (SDC)"],
         desc=T("""Links Nigerians who returned from Libya to paid work in Benin City and
         Ekpoma. About 600 returnees are placed in six-month apprenticeships with local
         employers in tailoring, auto mechanics, solar installation and catering, with wages
         co-financed by the project, and are then helped to find permanent jobs or start a
         business. MRNN case workers receive referrals of newly arrived returnees from IOM
         and the Edo State Migration Agency.""")),
    dict(key="K3", ref="CS-2022-05", partner=CS,
         title="Financial literacy for remittance-receiving households in Kolda and Sédhiou",
         countries=["Senegal"], themes=["Livelihoods", "Financial inclusion"],
         start="2022-03-01", end="2024-02-29", funders=["Caritas Internationalis"],
         desc=T("""Women heads of household who depend on money sent by relatives in Spain and
         Italy often have no savings and borrow at high cost between transfers. Caritas trains
         2,000 such households in Kolda and Sédhiou in budgeting, saving and comparing
         transfer costs, and organises village savings and loan associations. The groups are
         then connected to the digital savings accounts and credit lines being rolled out by
         microfinance institutions under the EU-funded remittances programme.""")),
    # --- background -----------------------------------------------------------
    dict(key="f01", ref="DRC-RG-19-04", partner=DRC,
         title="Mixed migration monitoring along the Central Mediterranean route",
         countries=["Libya", "Niger", "Mali"], themes=["Protection", "Research"],
         start="2019-01-01", end="2021-12-31", funders=["Denmark", "Switzerland"],
         desc=T("""Trained enumerators of the Mixed Migration Centre interview about 4,000
         refugees and migrants a year in Tripoli, Sabha, Agadez, Niamey, Gao and Bamako on
         their reasons for leaving, the smugglers they use, the abuses they suffer and their
         intended destinations. Findings are published in quarterly snapshots and thematic
         reports and presented to donors and humanitarian agencies to improve protection
         programming along the route.""")),
    dict(key="f02", ref="DRC-ET-17-02", partner=DRC,
         title="Protection of Eritrean refugee children in the Shire camps",
         countries=["Ethiopia"], themes=["Protection"],
         start="2017-03-01", end="2019-02-28", funders=["UNHCR", "ECHO"],
         desc=T("""Thousands of Eritrean children arrive in the Shire camps in northern
         Ethiopia without their parents, and many move on towards Sudan and Libya. DRC
         provides case management, foster care arrangements and psychosocial activities for
         about 1,800 unaccompanied and separated children in the Mai-Aini, Adi Harush and
         Hitsats camps, together with vocational training for older adolescents and
         information sessions on the risks of onward movement.""")),
    dict(key="f03", ref="DRC-ML-20-03", partner=DRC,
         title="Protection monitoring and GBV response in Gao and Ménaka",
         countries=["Mali"], themes=["Protection"],
         start="2020-06-01", end="2023-05-31", funders=["ECHO", "Denmark"],
         desc=T("""DRC protection monitors record violations against civilians in the Gao and
         Ménaka regions, where armed groups attack villages and displace thousands of people.
         Survivors of gender-based violence receive case management, medical referrals and
         psychosocial care, and community protection committees in displacement sites help
         identify risks. A monthly analysis is shared with the protection cluster to guide
         humanitarian advocacy.""")),
    dict(key="f04", ref="NRC-LY-19-01", partner=NRC,
         title="Legal assistance and education for displaced families in Benghazi",
         countries=["Libya"], themes=["Legal aid", "Education"],
         start="2019-01-01", end="2022-12-31", funders=["Norway", "ECHO"],
         desc=T("""Helps internally displaced Libyans in Benghazi and Ajdabiya to recover lost
         civil documents, claim their housing, land and property rights and access
         compensation schemes. Legal counsellors handle about 3,000 cases a year, and a
         parallel education component rehabilitates schools and runs catch-up classes for
         children who have missed years of schooling because of the conflict.""")),
    dict(key="f05", ref="NRC-ML-21-04", partner=NRC,
         title="Shelter and site management for IDPs in Mopti",
         countries=["Mali"], themes=["Shelter"],
         start="sometime 2021", end="2022-12-31", funders=["ECHO", "Sweden"],
         desc=T("""Provides emergency and transitional shelters to families displaced by
         violence in the Mopti, Bandiagara and Bankass areas and manages four displacement
         sites around Sévaré. Site committees are trained to coordinate services, and host
         families receive cash to extend their housing. About 15,000 displaced people are
         expected to benefit.""")),
    dict(key="f06", ref="NRC-NG-20-02", partner=NRC,
         title="Education in emergencies in Adamawa State",
         countries=["Nigeria"], themes=["Education"],
         start="2020-09-01", end="2022-08-31", funders=["Norway", "Education Cannot Wait"],
         desc=T("""Enables about 9,000 displaced and host community children in Mubi, Michika
         and Madagali to return to learning after attacks on schools. The project runs
         accelerated learning classes for out-of-school children, rebuilds classrooms and
         latrines, trains teachers in psychosocial support, and provides learning
         materials.""")),
    dict(key="f07", ref="CS-2021-02", partner=CS,
         title="Support to women fish processors in Joal-Fadiouth and Mbour",
         countries=["Senegal"], themes=["Livelihoods"],
         start="2021-01-01", end="2023-12-31", funders=["Caritas Spain", "Manos Unidas"],
         desc=T("""Dwindling fish stocks on the Petite Côte push many young fishermen to
         attempt the crossing to the Canary Islands and weaken the women who live from fish
         processing. The project equips 300 women processors in Joal-Fadiouth and Mbour with
         improved smoking ovens and drying racks, trains them in hygiene and marketing, and
         gives them access to credit through savings and credit mutuals.""")),
    dict(key="f08", ref="CS-2019-04", partner=CS,
         title="Community malaria prevention in Ziguinchor region",
         countries=["Senegal"], themes=["Health"],
         start="2019-07-01", end="2021-06-30", funders=["Catholic Relief Services"],
         desc=T("""Community health volunteers trained by Caritas in Ziguinchor, Bignona and
         Oussouye distribute insecticide-treated nets, test and treat simple malaria cases at
         home and refer severe cases to health posts. Seasonal malaria chemoprevention is
         delivered to children under five during the rainy season. The project covers about
         120 villages.""")),
    dict(key="f09", ref="CM-2019-05", partner=CM,
         title="Maternal and child health in Kita district",
         countries=["Mali"], themes=["Health"],
         start="2019-04-01", end="2022-03-31", funders=["Caritas Germany", "Misereor"],
         desc=T("""Supports 18 community health centres in the Kita district to improve
         antenatal care, assisted deliveries and the treatment of malnutrition. Traditional
         birth attendants are trained, maternity wards are equipped, and a referral system of
         motor-tricycle ambulances links villages to health centres. Women's relay groups
         promote family planning and breastfeeding.""")),
    dict(key="f10", ref="CM-2021-03", partner=CM,
         title="Accompagnement des familles de migrants disparus dans la région de Kayes",
         countries=["Mali"], themes=["Protection"],
         start="2021-01-01", end="2023-12-31", funders=["Caritas Internationalis"],
         desc=T("""De nombreuses familles de la région de Kayes sont sans nouvelles d'un fils ou
         d'un mari parti vers l'Algérie, la Libye ou l'Europe. Le projet offre à environ 400
         familles une écoute psychosociale, une aide pour signaler les disparitions au Comité
         international de la Croix-Rouge et aux services consulaires, et un soutien économique
         aux épouses devenues cheffes de ménage. Des groupes de parole sont animés dans les
         villages de Diéma, Nioro et Yélimané.""")),
    dict(key="f11", ref="MRNN-20-03", partner=MRNN,
         title="Legal aid and repatriation advocacy for Nigerian domestic workers stranded in Lebanon and Oman",
         countries=["Nigeria"], themes=["Protection", "Advocacy"],
         start="2020-06-01", end="2021-12-31", funders=["Open Society Initiative for West Africa"],
         desc=T("""During Lebanon's economic collapse and the COVID-19 lockdowns, hundreds of
         Nigerian women employed as domestic workers were abandoned by their employers or held
         without pay. MRNN documents the cases reported by families, provides legal advice
         through partner lawyers in Beirut and Muscat, and presses NiDCOM and the Ministry of
         Foreign Affairs to organise evacuation flights. Returnees are received in Lagos and
         linked to counselling.""")),
    dict(key="f12", ref="DIG-2023-02", partner=DIG,
         title="Diaspora Homecoming Investment Fair, Accra",
         countries=["Ghana"], themes=["Diaspora investment"],
         start="2023-03-01", end="2024-03-31",
         funders=["Ghana Investment Promotion Centre", "Private sponsors"],
         desc=T("""Organises a two-day investment fair during the December homecoming season,
         when thousands of Ghanaians from the diaspora visit Accra. Around 120 Ghanaian
         businesses looking for capital are coached to pitch to diaspora investors, and
         sessions explain property, pension and tax rules for people considering return.
         Follow-up matchmaking runs over the following three months.""")),
    dict(key="f13", ref="GHWC-18-01", partner=GHWC,
         title="Community health nurses for CHPS zones in Upper West",
         countries=["Ghana"], themes=["Health"],
         start="2018-01-01", end="2020-12-31", funders=["Comic Relief"],
         desc=T("""Supports the Ghana Health Service to staff Community-based Health Planning
         and Services (CHPS) compounds in the Wa East, Sissala and Lambussie districts, where
         many posts were vacant. The project sponsors 150 young women from these districts
         through community health nursing school on condition that they serve at home for four
         years, and equips their compounds with solar lighting, motorbikes and midwifery
         kits.""")),
    dict(key="f14", ref="GHWC-21-02", partner=GHWC,
         title="Advocacy on ethical international recruitment of Ghanaian health workers",
         countries=["Ghana"], themes=["Health", "Advocacy"],
         start="2021-07-01", end="2022-06-30", funders=["Open Society Initiative for West Africa"],
         desc=T("""Ghana is on the WHO health workforce support and safeguards list, yet the
         recruitment of Ghanaian nurses by foreign employers keeps increasing. The coalition
         gathers data from nursing schools and regulators on departures, briefs members of
         parliament and engages recruiters in the UK and Germany to respect the WHO Global
         Code of Practice. A policy paper proposes a bilateral mechanism to compensate
         training costs.""")),
    dict(key="f15", ref="RMST-19-02", partner=RMST,
         title="Accompagnement juridique des travailleuses migrantes à Tunis",
         countries=["Tunisia"], themes=["Protection"],
         start="2019-02-01", end="2021-12-31", funders=[],
         desc=T("""Permanence juridique hebdomadaire à Tunis pour les travailleuses domestiques
         originaires d'Afrique de l'Ouest, souvent recrutées avec la promesse d'un emploi bien
         payé puis privées de leur passeport. L'association conseille environ 300 femmes par
         an, les accompagne auprès de l'inspection du travail et des tribunaux et négocie
         l'exonération des pénalités de séjour pour celles qui souhaitent régulariser leur
         situation ou rentrer dans leur pays.""")),
    dict(key="f16", ref="RSM-18-01", partner=RSM,
         title="Libre circulation CEDEAO : formation des transporteurs et des forces de sécurité",
         countries=["Niger"], themes=["Mobilité", "Plaidoyer"],
         start="2018-03-01", end="2020-06-30", funders=["Open Society Initiative for West Africa"],
         desc=T("""Formation de 300 transporteurs, chauffeurs et agents de police, de
         gendarmerie et de douane sur les axes Niamey–Zinder et Niamey–Agadez aux règles de
         libre circulation des personnes dans l'espace CEDEAO. Le projet documente les rackets
         aux postes de contrôle, publie un rapport semestriel et soutient des comités de veille
         citoyenne dans les gares routières pour informer les voyageurs de leurs
         droits.""")),
    dict(key="f17", ref="YAIM-22-01", partner=YAIM,
         title="Returnee peer educators in Gambian schools",
         countries=["Gambia"], themes=["Awareness", "Youth"],
         start="2022-09-01", end="2024-12-31", funders=["Sweden"],
         desc=T("""Returnees who survived the 'backway' through the Sahara and Libya visit
         secondary schools and youth centres in Brikama, Serrekunda, Soma and Basse to share
         their experiences and discuss alternatives at home, including apprenticeships and
         national youth employment schemes. Some 40 peer educators are trained in facilitation
         and receive a monthly stipend, and a radio series in Mandinka, Wolof and Fula reaches
         rural audiences.""")),
    dict(key="f18", ref="TESFA-16-01", partner=TESFA,
         title="Shelter and rehabilitation for women returnees from the Middle East",
         countries=["Ethiopia"], themes=["Protection", "Reintegration"],
         start="2016-01-01", end="2018-12-31", funders=["Terre des Hommes Netherlands"],
         desc=T("""Runs a shelter in Addis Ababa for Ethiopian women who come back from Saudi
         Arabia, Kuwait and Lebanon with severe trauma or mental illness after abuse as
         domestic workers. About 250 women a year receive accommodation, psychiatric care,
         counselling and skills training before being reunited with their families in Amhara,
         Oromia and Tigray. Staff follow up each woman at home for six months.""")),
    dict(key="f19", ref="NWTG-18-02", partner=NWTG,
         title="Boreholes and hygiene in Bawku and Bolgatanga",
         countries=["Ghana"], themes=["WASH"],
         start="2018-04-01", end="2020-03-31", funders=["Conrad N. Hilton Foundation"],
         desc=T("""Drills and equips 70 boreholes with hand pumps in communities of the Bawku
         West, Bolgatanga and Talensi districts of the Upper East Region, trains water and
         sanitation management teams, and supports households to build latrines through
         community-led total sanitation. Girls' school attendance, often disrupted by water
         fetching, is monitored in 20 schools.""")),
]


# ---------------------------------------------------------------------------
# Planted pairs: (kind, (file, key), (file, key), note)
# ---------------------------------------------------------------------------

PAIRS = [
    # duplicates: same effort, two actors
    ("duplicate", ("iom", "D01"), ("eu", "D01"), "IOM record and EUTF record of the Kano/Edo reintegration action (2,000 returnees)"),
    ("duplicate", ("iom", "D02"), ("min", "D02"), "cross-lingual EN/FR: labour migration governance with ANETI, 120 counsellors, 1,000 placements"),
    ("duplicate", ("eu", "D03"), ("min", "D03"), "cross-lingual EN/FR: returnee reintegration in Médenine, Tataouine, Sfax (1,500 returnees)"),
    ("duplicate", ("iom", "D04"), ("ngo", "D04"), "cross-lingual EN/FR: 800 returnees in Tambacounda and Kolda, Caritas as partner"),
    ("duplicate", ("iom", "D05"), ("ngo", "D05"), "joint IOM/DRC protection in Agadez transit centres (5,000 migrants a year)"),
    ("duplicate", ("eu", "D06"), ("ngo", "D06"), "diaspora matching grants for ~150 SMEs in Kumasi and Accra"),
    ("duplicate", ("iom", "D07"), ("eu", "D07"), "terse EUTF record: five northern border posts in Niger, MIDAS"),
    ("duplicate", ("iom", "D08"), ("eu", "D08"), "Morocco–Belgium ICT skills mobility pilot, 120 placed + 300 trained"),
    ("duplicate", ("iom", "D09"), ("ngo", "D09"), "fair recruitment in Nigeria: audit of 60 agencies in Lagos/Abuja, complaints line"),
    ("duplicate", ("eu", "D10"), ("ngo", "D10"), "3,500 Saudi returnees in Wollo, East Hararghe and Jimma"),
    ("duplicate", ("eu", "D11"), ("iom", "D11"), "terse IOM record: 1,500 Gambian returnees, Greater Banjul/Brikama/URR"),
    ("duplicate", ("min", "D12"), ("ngo", "D12"), "French/French: three migration information points in Kairouan, Kasserine, Gafsa (9,000 youth)"),
    ("duplicate", ("iom", "D13"), ("eu", "D13"), "assistance to 4,000 stranded migrants in Oujda and Tangier"),
    ("duplicate", ("iom", "D14"), ("eu", "D14"), "transit centres in Gao and Bamako, 6,000 migrants a year"),
    ("duplicate", ("iom", "D15"), ("ngo", "D15"), "40 diaspora health professionals in Tamale, Kumasi, Cape Coast"),
    ("duplicate", ("iom", "D16"), ("eu", "D16"), "border management at Metema and Moyale, 180 officers"),
    # near misses: same theme, different country or clearly different period
    ("near-miss", ("iom", "N01"), ("ngo", "N01"), "migrant information desk in Dakar: 2015–2016 vs 2022–2025"),
    ("near-miss", ("eu", "D06"), ("iom", "N02"), "diaspora matching grants: Ghana vs Senegal"),
    ("near-miss", ("iom", "D07"), ("eu", "N03"), "border posts, biometrics, 250 officers: Niger vs Mali"),
    ("near-miss", ("ngo", "D10"), ("iom", "N04"), "reintegration of Saudi returnees in Amhara/Oromia: 2019–2022 vs 2014–2015"),
    ("near-miss", ("ngo", "D09"), ("iom", "N05"), "fair recruitment / agency audits: Nigeria vs Ghana"),
    ("near-miss", ("iom", "D04"), ("eu", "D11"), "returnee reintegration: Senegal vs The Gambia"),
    ("near-miss", ("eu", "D13"), ("ngo", "N07"), "assistance to stranded sub-Saharan migrants: Morocco vs Tunisia"),
    ("near-miss", ("iom", "D02"), ("eu", "N08"), "employment agency international placement: Tunisia (ANETI) vs Morocco (ANAPEC)"),
    ("near-miss", ("eu", "N09"), ("ngo", "N09"), "solar boreholes and water committees: Niger vs Mali"),
    ("near-miss", ("ngo", "N10"), ("iom", "N10"), "pre-departure orientation in Nigeria: 2016–2017 vs 2023–2025"),
    ("near-miss", ("eu", "D16"), ("iom", "N12"), "Metema/Moyale border management: 2019–2022 vs 2012–2013"),
    ("near-miss", ("eu", "D03"), ("min", "N13"), "cross-lingual: Tunisian returnee reintegration 2018–2021 vs 2012–2013"),
    ("near-miss", ("eu", "D01"), ("ngo", "K1"), "returnee reintegration in Edo: 2017–2021 vs 2023–2025"),
    ("near-miss", ("ngo", "D05"), ("iom", "f13"), "protection of migrants in Agadez/Arlit: 2018–2021 vs 2023–2025"),
    ("near-miss", ("min", "f17"), ("iom", "N10"), "cross-lingual pre-departure orientation: Tunisia vs Nigeria"),
    ("near-miss", ("iom", "f05"), ("eu", "N03"), "border posts on both sides of the same border: Senegal vs Mali"),
    ("near-miss", ("eu", "f01"), ("ngo", "N18"), "anti-trafficking in Edo and Delta: 2018–2022 vs 2013–2014"),
    ("near-miss", ("eu", "f18"), ("ngo", "N19"), "integration of regularised migrants in Morocco: 2016–2019 vs 2022–2024"),
    ("near-miss", ("eu", "f03"), ("iom", "f10"), "Ghana Immigration Service at Paga/Elubo: 2017–2020 vs 2022–2024"),
    ("near-miss", ("iom", "f15"), ("ngo", "N21"), "cross-lingual reintegration in Kayes: 2017–2020 vs 2023–2025"),
    ("near-miss", ("iom", "C2"), ("min", "f09"), "cross-lingual nurse training for Germany: Ghana vs Tunisia"),
    ("near-miss", ("iom", "f06"), ("ngo", "f17"), "returnee peer awareness: Senegal 2018–2020 vs Gambia 2022–2024"),
    ("near-miss", ("eu", "D10"), ("iom", "N04"), "reintegration of Saudi returnees in Amhara/Oromia: 2019–2022 vs 2014–2015"),
    ("near-miss", ("ngo", "D06"), ("iom", "N02"), "diaspora matching grants: Ghana vs Senegal"),
    ("near-miss", ("iom", "D08"), ("eu", "N08"), "Moroccan labour mobility: ICT pilot 2021–2024 vs ANAPEC placement 2016–2019"),
    ("near-miss", ("eu", "D01"), ("iom", "C1"), "return and reintegration of Nigerians in Edo: 2017–2021 vs 2022–2024"),
    ("near-miss", ("ngo", "D04"), ("ngo", "N21"), "French/French returnee cooperatives: Senegal vs Mali"),
    ("near-miss", ("eu", "D11"), ("ngo", "f17"), "Gambian returnees as peer educators: 2017–2021 vs 2022–2024"),
    ("near-miss", ("iom", "D09"), ("ngo", "N10"), "Nigerian migrant workers bound for the Gulf: 2022–2024 vs 2016–2017"),
    ("near-miss", ("iom", "D13"), ("ngo", "N07"), "assistance to stranded sub-Saharan migrants: Morocco vs Tunisia"),
    # conflicts: same population/place/period, opposing strategies
    ("conflict", ("iom", "C1"), ("ngo", "C1"), "Nigerians in Libya: assisted return vs local integration and regularisation"),
    ("conflict", ("iom", "C2"), ("ngo", "C2"), "Ghanaian nurses: recruitment to Germany vs retention and opposing foreign recruitment"),
    ("conflict", ("eu", "C3"), ("ngo", "C3"), "Agadez–Libya corridor: interception and deterrence vs safe regular mobility"),
    ("conflict", ("eu", "C4"), ("ngo", "C4"), "displaced people in Diffa: relocation to Sayam Forage camp vs out-of-camp assistance"),
    ("conflict", ("iom", "C5"), ("ngo", "C5"), "cross-lingual: sub-Saharan migrants in Sfax, voluntary return vs local integration"),
    # complementary: same broad topic, coherent chain
    ("complementary", ("iom", "C1"), ("ngo", "K1"), "return from Libya (IOM) feeds MRNN job placements for returnees in Edo"),
    ("complementary", ("iom", "D02"), ("min", "K2"), "placement abroad via ANETI, then portability of social security rights"),
    ("complementary", ("eu", "K3"), ("ngo", "K3"), "cheaper remittance products (EU) and financial literacy of receiving households (Caritas)"),
    ("complementary", ("iom", "K4"), ("ngo", "D10"), "airport reception of Saudi returnees, then reintegration in home woredas"),
    ("complementary", ("iom", "N10"), ("ngo", "D09"), "pre-departure orientation and fair-recruitment enforcement in Nigeria"),
    ("complementary", ("iom", "N11"), ("ngo", "D05"), "protection in Agadez transit centres and voluntary return from the same centres"),
]


# ---------------------------------------------------------------------------
# Checks (so the planted structure cannot silently drift)
# ---------------------------------------------------------------------------

COUNTRY_CODES = {
    "tunisia": "TN", "morocco": "MA", "senegal": "SN", "nigeria": "NG", "ghana": "GH",
    "gambia": "GM", "the gambia": "GM", "niger": "NE", "ethiopia": "ET", "libya": "LY",
    "mali": "ML",
}


def countries_of(file: str, rec: dict) -> set[str]:
    if file == "iom":
        values = rec["country"].split(";")
    elif file == "eu":
        values = rec["countries"]
    elif file == "min":
        values = rec["pays"].split(";")
    else:
        values = rec["countries"]
    return {COUNTRY_CODES.get(v.strip().lower(), v.strip().upper()) for v in values}


def as_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def months_between(a: dt.date, b: dt.date) -> float:
    return abs((a - b).days) / 30.4


TABLES = {"iom": IOM, "eu": EU, "min": MIN, "ngo": NGO}
ACTOR = {"iom": lambda r: IOM_ACTOR, "eu": lambda r: EU_ACTOR,
         "min": lambda r: MIN_ACTOR, "ngo": lambda r: r["partner"]}
ID = {"iom": "id", "eu": "id", "min": "id", "ngo": "ref"}


def check() -> None:
    index: dict[tuple[str, str], dict] = {}
    for file, table in TABLES.items():
        ids: Counter = Counter()
        for rec in table:
            assert (file, rec["key"]) not in index, f"duplicate key {file}/{rec['key']}"
            index[(file, rec["key"])] = rec
            ids[(ACTOR[file](rec), rec[ID[file]])] += 1
            words = len(rec["desc"].split())
            if (file, rec["key"]) in TERSE:
                assert words < 35, f"{file}/{rec['key']} should be terse ({words} words)"
            else:
                assert 40 <= words <= 150, f"{file}/{rec['key']}: {words} words"
            start, end = as_date(rec["start"]), as_date(rec["end"])
            if start and end:
                assert start < end, f"{file}/{rec['key']}: start after end"
        dupes = [k for k, n in ids.items() if n > 1]
        assert not dupes, f"{file}: duplicate ids {dupes}"

    seen = set()
    for kind, a, b, _note in PAIRS:
        ra, rb = index[a], index[b]
        assert ACTOR[a[0]](ra) != ACTOR[b[0]](rb), f"{a} {b}: same actor"
        assert frozenset((a, b)) not in seen, f"{a} {b}: listed twice"
        seen.add(frozenset((a, b)))
        same_country = bool(countries_of(a[0], ra) & countries_of(b[0], rb))
        sa, ea, sb, eb = (as_date(ra["start"]), as_date(ra["end"]),
                          as_date(rb["start"]), as_date(rb["end"]))
        overlap = sa <= eb and sb <= ea
        if kind == "duplicate":
            assert same_country and overlap, f"{a} {b}: duplicate must share country and period"
            assert months_between(sa, sb) <= 6 and months_between(ea, eb) <= 6, f"{a} {b}: dates drift"
        elif kind == "near-miss":
            gap = months_between(max(sa, sb), min(ea, eb)) if not overlap else 0
            assert (not same_country) or gap >= 12, f"{a} {b}: near-miss too close"
        elif kind == "conflict":
            assert same_country and overlap, f"{a} {b}: conflict must share country and period"
        elif kind == "complementary":
            assert same_country and overlap, f"{a} {b}: complementary pair should coincide"
        else:
            raise AssertionError(kind)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def _num(value) -> str:
    return "" if value is None else str(value)


def write_iom(path: Path) -> int:
    header = ["Project ID", "Organisation", "Project title", "Description", "Country",
              "Locations", "Sector", "Start date", "End date", "Budget (USD)", "Donor",
              "Implementing partner"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        for r in sorted(IOM, key=lambda r: r["id"]):
            out.writerow([r["id"], IOM_ACTOR, r["title"], r["desc"], r["country"],
                          r["locations"], r["sector"], r["start"], r["end"] or "",
                          _num(r["budget"]), r["donor"], r["partner"]])
    return len(IOM)


def write_eu(path: Path) -> int:
    rows = [
        {
            "id": r["id"],
            "actor": EU_ACTOR,
            "title": r["title"],
            "description": r["desc"],
            "countries": r["countries"],
            "sectors": r["sectors"],
            "start_date": r["start"],
            "end_date": r["end"],
            "budget": r["budget"],
            "currency": "EUR",
            "funders": r["funders"],
            "implementers": r["implementers"],
        }
        for r in sorted(EU, key=lambda r: r["id"])
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(rows)


FIXED_TIME = dt.datetime(2024, 1, 15, 9, 0, 0)


def write_ministere(path: Path) -> int:
    wb = Workbook()
    ws = wb.active
    ws.title = "Projets"
    header = ["Identifiant", "Acteur", "Titre du projet", "Objectif", "Pays", "Secteur",
              "Date de début", "Date de fin", "Budget", "Bailleur"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in sorted(MIN, key=lambda r: r["id"]):
        ws.append([r["id"], MIN_ACTOR, r["title"], r["desc"], r["pays"], r["secteur"],
                   as_date(r["start"]), as_date(r["end"]), r["budget"], r["bailleur"] or None])
    for row in ws.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
        row[6].number_format = row[7].number_format = "dd/mm/yyyy"
        row[8].number_format = "#,##0"
    for letter, width in zip("ABCDEFGHIJ", (14, 34, 50, 90, 8, 24, 14, 14, 14, 34)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    wb.properties.creator = "Ministère des Affaires sociales"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    # Re-zip with fixed timestamps so the file is byte-for-byte reproducible.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 15, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-15T09:00:00Z", data)
            dst.writestr(fixed, data)
    return len(MIN)


def _ddmmyyyy(value: str | None) -> str:
    date = as_date(value)
    if date is None:
        return value or ""  # deliberately unparseable values are written as they are
    return date.strftime("%d/%m/%Y")


def write_ngo(path: Path) -> int:
    header = ["Ref", "Partner", "Title", "Summary", "Countries", "Thematic area", "From",
              "To", "Funded by"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";", lineterminator="\n")
        out.writerow(header)
        for r in sorted(NGO, key=lambda r: (r["partner"], r["ref"])):
            out.writerow([r["ref"], r["partner"], r["title"], r["desc"],
                          "|".join(r["countries"]), "|".join(r["themes"]),
                          _ddmmyyyy(r["start"]), _ddmmyyyy(r["end"]), "|".join(r["funders"])])
    return len(NGO)


def write_expected(path: Path) -> Counter:
    index = {(f, r["key"]): r for f, table in TABLES.items() for r in table}
    kinds: Counter = Counter()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["id_a", "actor_a", "id_b", "actor_b", "kind", "note"])
        for kind, a, b, note in PAIRS:
            ra, rb = index[a], index[b]
            out.writerow([ra[ID[a[0]]], ACTOR[a[0]](ra), rb[ID[b[0]]], ACTOR[b[0]](rb),
                          kind, note])
            kinds[kind] += 1
    return kinds


def main() -> None:
    check()
    counts = {
        "iom_projects.csv": write_iom(HERE / "iom_projects.csv"),
        "eu_trust_fund.json": write_eu(HERE / "eu_trust_fund.json"),
        "ministere_tunisie.xlsx": write_ministere(HERE / "ministere_tunisie.xlsx"),
        "ngo_partners.csv": write_ngo(HERE / "ngo_partners.csv"),
    }
    kinds = write_expected(HERE / "expected.csv")
    for name, n in counts.items():
        print(f"{name:24s} {n:4d} rows")
    print(f"{'total':24s} {sum(counts.values()):4d} activities")
    print("expected.csv pairs: " + ", ".join(f"{k}={n}" for k, n in sorted(kinds.items()))
          + f" (total {sum(kinds.values())})")


if __name__ == "__main__":
    main()
