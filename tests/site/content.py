"""The hand-written corpus of The Riverside Ledger: its writers, its articles, its fixed pages.

Riverside is an invented river city; every person, business and event here is fiction.
"""

# The prose is typographic on purpose (curly quotes, dashes), as real news pages are.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Template = Literal["wp", "jsonld"]

SITE_NAME = "The Riverside Ledger"
SECTIONS: tuple[str, ...] = ("politics", "business", "science", "culture")


@dataclass(frozen=True)
class Author:
    """A staff writer, as the byline and the author box show them."""

    name: str
    slug: str
    bio: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """One story as published: the ground truth that extraction is measured against."""

    id: str
    slug: str
    section: str
    template: Template
    title: str
    author: str
    published: datetime
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    dek: str | None = None
    updated: datetime | None = None


def _at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _prose(text: str) -> tuple[str, ...]:
    """Paragraphs of hard-wrapped prose: blank lines separate them, line breaks are spaces."""
    return tuple(" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip()))


AUTHORS: tuple[Author, ...] = (
    Author(
        name="Marisol Etxeberria",
        slug="marisol-etxeberria",
        bio=(
            "Marisol Etxeberria covers City Hall and the council for the Ledger. Before joining "
            "the paper in 2017 she spent eight years reporting on provincial politics, and she "
            "still keeps a folder of every budget speech since 2009."
        ),
        sections=("politics",),
    ),
    Author(
        name="Daniel Okonkwo",
        slug="daniel-okonkwo",
        bio=(
            "Daniel Okonkwo reports on schools, transit and the city’s neighbourhoods. He grew up "
            "in Northgate, rides the number 14 bus to work and is always happy to hear from "
            "readers about their commute."
        ),
        sections=("politics",),
    ),
    Author(
        name="Priya Raghunathan",
        slug="priya-raghunathan",
        bio=(
            "Priya Raghunathan writes about business, housing and the local economy. She joined "
            "the Ledger from a financial news wire and is the newsroom’s resident expert on "
            "municipal bonds."
        ),
        sections=("business",),
    ),
    Author(
        name="Tomás Ferreira",
        slug="tomas-ferreira",
        bio=(
            "Tomás Ferreira covers the port, manufacturing and labour. A former deckhand on the "
            "valley ferries, he has written for the Ledger since 2012."
        ),
        sections=("business",),
    ),
    Author(
        name="Hannah Kowalczyk",
        slug="hannah-kowalczyk",
        bio=(
            "Hannah Kowalczyk is the Ledger’s health and science reporter. She trained as a nurse "
            "before turning to journalism and has covered the city’s hospitals for a decade."
        ),
        sections=("science",),
    ),
    Author(
        name="Ana Lúcia Prado",
        slug="ana-lucia-prado",
        bio=(
            "Ana Lúcia Prado writes about the environment, wildlife and the valley’s rivers. She "
            "holds a master’s degree in ecology and spends her weekends counting birds."
        ),
        sections=("science",),
    ),
    Author(
        name="Søren Lindqvist",
        slug="soren-lindqvist",
        bio=(
            "Søren Lindqvist is the Ledger’s arts critic, covering theatre, visual art and "
            "architecture. He has reviewed more than 1,500 productions and still buys his own "
            "ticket."
        ),
        sections=("culture",),
    ),
    Author(
        name="Eamon Delaney",
        slug="eamon-delaney",
        bio=(
            "Eamon Delaney covers books, music, film and the city’s festivals. He hosts the "
            "Ledger’s weekly culture podcast, Off the Quay."
        ),
        sections=("culture",),
    ),
)

ARTICLES: tuple[Article, ...] = (
    Article(
        id="bridge-repair",
        slug="council-approves-tessel-bridge-repair-plan",
        section="politics",
        template="wp",
        title="Council approves $48 million Tessel Bridge repair plan after late-night vote",
        author="Marisol Etxeberria",
        published=_at(2026, 10, 5, 21, 40),
        updated=_at(2026, 10, 6, 9, 15),
        tags=("Tessel Bridge", "City Council", "Transport"),
        paragraphs=_prose(
            """
            Riverside’s city council voted 9–4 shortly before midnight on Monday to approve a $48
            million plan to repair the Tessel Bridge, ending more than two years of argument over
            whether the 1931 span should be patched, rebuilt or closed to cars altogether. The vote
            came after nearly six hours of public comment in which residents of Eastbank and the
            Old Quay took turns at the microphone, many of them holding photographs of the
            rust-streaked girders beneath the roadway.

            Under the plan, crews will replace the bridge deck in two phases starting next spring,
            keeping one lane open in each direction for most of the work. The steel trusses will be
            blasted, repainted and reinforced at 212 points identified in an engineering survey
            published in June. City engineers expect the first phase to take fourteen months; the
            second, which includes new pedestrian walkways on both sides, should be finished by the
            autumn of 2029.

            “This is not the bridge we would design today, but it is the bridge we have, and it
            carries 31,000 vehicles a day,” said Councillor José Núñez, who represents Eastbank and
            made the repairs the centrepiece of his campaign. “The choice was never between a
            perfect bridge and this one. It was between this plan and watching the weight limits
            come down year after year until the buses can’t cross.”

            The four councillors who voted against the plan argued that the city was spending too
            much on a structure that would need major work again within a generation. Councillor
            Bridget Harlow, who represents Northgate, said the money would be better spent on a new
            crossing downstream near the Cannery District, an idea that was studied in 2022 and
            estimated to cost at least $190 million. “We are buying ourselves twenty years,” she
            said. “Maybe that’s the right call. But let’s not pretend it’s a permanent fix.”

            Roughly $30 million of the cost will come from a provincial infrastructure grant
            awarded in the spring, with the rest borrowed through a municipal bond that the council
            must still approve in December. The city’s finance director, Lewis Amankwah, told
            councillors that the bond would add about $11 a year to the property tax bill of a
            typical Riverside homeowner over its twenty-year life.

            Business owners on Quay Street, where traffic from the bridge empties into the old
            market district, said they were relieved the bridge would remain open during
            construction. Several had warned that a full closure, one of the options considered
            last year, would have cut their foot traffic by half. “We survived the pandemic and we
            survived the flood,” said Halima Diallo, who runs a bakery two blocks from the bridge.
            “I didn’t want to find out if we could survive eighteen months of detours.”

            Work on the first phase is expected to go out to tender in January. Mayor Adaeze
            Okafor, who backed the plan, said she would ask the provincial transport ministry to
            review the city’s contracting process to avoid the kind of delays that stalled the
            Harrow Hill tunnel project for three years.
            """
        ),
    ),
    Article(
        id="okafor-budget",
        slug="okafor-first-budget-property-tax-hiring-freeze",
        section="politics",
        template="wp",
        title="Mayor Okafor’s first budget proposes 3.9% property tax rise and a hiring freeze",
        author="Marisol Etxeberria",
        published=_at(2026, 9, 2, 16, 10),
        tags=("Budget", "City Hall", "Adaeze Okafor"),
        paragraphs=_prose(
            """
            Mayor Adaeze Okafor unveiled her first full budget on Wednesday, proposing a 3.9
            percent increase in the property tax levy alongside a hiring freeze across most city
            departments, a combination she described as “the least painful of a set of painful
            options.” The $612 million spending plan for next year would be the largest in
            Riverside’s history, driven largely by rising pension contributions and the cost of a
            new labour agreement with the city’s firefighters.

            Speaking in the council chamber at City Hall, Okafor said the city had closed a
            projected $27 million gap without cutting library hours or closing any of the three
            public pools, both of which had been floated in a consultants’ report leaked to the
            Ledger in July. “I was elected on a promise that we would stop balancing the books on
            the backs of the neighbourhoods that have the least,” she said. “This budget keeps that
            promise, even if it doesn’t make anybody particularly happy.”

            The hiring freeze would leave about 140 vacant positions unfilled, most of them in the
            parks, planning and public works departments. Police and fire positions, as well as
            jobs funded by provincial or federal grants, are exempt. The city’s largest union,
            which represents clerical and maintenance workers, said the freeze would push already
            stretched crews past breaking point. “You can’t fix potholes with a hiring freeze,”
            said the union’s local president, Graham Teller.

            For the owner of a median-priced home in Riverside, assessed at $284,000, the increase
            would add about $96 to next year’s tax bill. Commercial property owners would see a
            similar rise. The Riverside Chamber of Commerce said in a statement that it was
            “disappointed but not surprised” and urged the council to look harder at the cost of
            overtime in the police department, which exceeded its budget by $4.2 million last year.

            Councillors have until mid-November to amend the proposal. Several signalled on
            Wednesday that they would try to restore funding for street-tree planting, which the
            mayor’s plan cuts by two-thirds. Public hearings will be held at City Hall on September
            17 and at the Eastbank Community Centre on September 23.
            """
        ),
    ),
    Article(
        id="eastbank-byelection",
        slug="jose-nunez-wins-eastbank-by-election-after-recount",
        section="politics",
        template="wp",
        title="José Núñez wins Eastbank by-election by 212 votes after recount",
        author="Daniel Okonkwo",
        published=_at(2026, 8, 19, 22, 30),
        tags=("Elections", "Eastbank", "City Council"),
        paragraphs=_prose(
            """
            José Núñez, a former union electrician who campaigned on fixing Eastbank’s flooded
            basements and crumbling sidewalks, won the ward’s council seat on Tuesday by 212 votes,
            after a recount requested by his closest rival confirmed the result of last week’s
            by-election. Núñez, 44, replaces the late Councillor Ruth Abernathy, who held the seat
            for almost two decades before her death in May.

            The recount, conducted by hand at the city clerk’s office over two days, changed the
            totals by only nine votes. Núñez finished with 3,118 votes to 2,906 for Caroline Marsh,
            a real estate agent and former president of the Eastbank Business Association. A third
            candidate, the environmental activist Teo Vasquez-Lind, received 1,004 votes. Turnout
            was 31 percent, unusually high for a by-election held in the middle of summer.

            “People in this ward are tired of being told to wait,” Núñez said outside the clerk’s
            office, surrounded by supporters, several of them in high-visibility work vests. “We’ve
            waited for the storm drains. We’ve waited for the bus shelters. We waited four years
            for a crosswalk outside the school on Pell Street. I’m not going to City Hall to wait.”

            Marsh conceded in a short statement posted online, congratulating Núñez and saying she
            would continue to push for the business improvement district she had made the
            centrepiece of her campaign. She did not rule out running again when the seat is next
            contested in the regular election.

            Núñez’s victory gives the mayor’s allies a working majority of eight on the
            thirteen-member council for the first time since she took office, although several
            councillors have been careful to describe themselves as independent. He is expected to
            be sworn in at the council’s first meeting in September, where members will also begin
            debating the long-delayed repair of the Tessel Bridge.
            """
        ),
    ),
    Article(
        id="fare-freeze",
        slug="transit-board-splits-over-fare-freeze",
        section="politics",
        template="wp",
        title="Transit board splits over fare freeze as ridership climbs back to 2019 levels",
        author="Daniel Okonkwo",
        published=_at(2026, 11, 5, 18, 20),
        tags=("Transit", "Budget"),
        paragraphs=_prose(
            """
            The Riverside Area Transit board delayed a vote on Thursday on a proposal to freeze bus
            and tram fares for a second year, after members split over whether the system could
            afford to forgo an estimated $5.8 million in revenue while ridership is finally
            climbing back toward what it was before the pandemic. The board will take up the
            question again at a special meeting on November 19.

            Figures presented at the meeting showed that weekday ridership reached 96,400 trips in
            October, about 97 percent of the level recorded in October 2019. The tram line between
            Northgate and the Old Quay is now busier than it has ever been, with standing room only
            on most morning trains, while several suburban bus routes still carry fewer than half
            their pre-pandemic passengers.

            Board chair Ingeborg Sandvik said the freeze had helped bring riders back and that
            raising fares now would send the wrong message. “We spent three years begging people to
            give us another chance,” she said. “They did. I don’t want the reward for that to be a
            more expensive ticket.” Two other members, both appointed by the county, argued that
            the system faced a structural deficit that would only grow if fares stayed flat while
            wages and fuel costs rose.

            The authority’s chief financial officer, Mehmet Yıldız, told the board that keeping the
            single fare at $2.25 would require drawing down reserves to about 11 percent of the
            operating budget, below the 15 percent floor set by the board’s own policy. He
            suggested a compromise: freezing the single fare while raising the price of the monthly
            pass from $72 to $78, which would recover roughly $2 million.

            Riders who spoke at the meeting were nearly unanimous in opposing any increase. Keisha
            Bramwell, a nursing assistant who takes two buses and a tram from Larkfield to
            Riverside General Hospital, said the monthly pass was already the largest item in her
            budget after rent. “Six dollars doesn’t sound like a lot to the people in this room,”
            she said. “It is a lot.”

            Mayor Adaeze Okafor, who appoints four of the board’s nine members, has said she
            supports the freeze but has not said whether she would back the pass increase. A
            spokesperson said the mayor was “reviewing the options” and would speak to board
            members before the special meeting.
            """
        ),
    ),
    Article(
        id="parking-inquiry",
        slug="ethics-board-inquiry-parking-contract",
        section="politics",
        template="wp",
        title="Ethics board opens inquiry into city parking contract awarded to donor’s firm",
        author="Marisol Etxeberria",
        published=_at(2026, 10, 20, 14, 45),
        updated=_at(2026, 10, 20, 19, 2),
        tags=("Ethics", "City Council", "Contracts"),
        paragraphs=_prose(
            """
            Riverside’s Board of Ethics voted unanimously on Monday to open a formal inquiry into
            how a ten-year contract to run the city’s parking garages was awarded to a company
            whose co-owner donated to three members of the council that approved it. The inquiry,
            the first the board has launched into a contract since it was created in 2014, will
            examine emails, scoring sheets and meeting records from the procurement process last
            year.

            The contract, worth an estimated $34 million over its term, went to Meridian Park
            Systems, a firm based in the Cannery District that had never previously operated
            municipal garages. Two larger bidders, including the company that had run the garages
            for the previous twelve years, scored higher on the technical portion of the
            evaluation, according to documents obtained by the Ledger through a public records
            request. Meridian’s bid was about 6 percent cheaper.

            Campaign finance filings show that Meridian’s co-owner, Victor Salgado, and members of
            his family gave a combined $14,500 to the campaigns of three councillors in the
            eighteen months before the vote. All three voted in favour of the contract, which
            passed 7–6. None of them has been accused of wrongdoing, and Salgado’s donations were
            within legal limits.

            In a statement, Meridian said it was “confident that a full review will show the
            contract was awarded fairly and on the merits” and noted that revenue from the garages
            had risen by 9 percent in the first year of its operation. Salgado did not respond to
            messages left at the company’s offices on Monday.

            The board’s chair, retired judge Philippa Oduya, said the inquiry was not a finding
            that anything improper had happened. “Our job is to look at the process and tell the
            public whether it was sound,” she said. “Sometimes the answer is yes. If that’s the
            answer here, people deserve to hear it from someone independent.” She said the board
            hoped to report by the end of February.

            Councillor Bridget Harlow, who voted against the contract and asked the board to
            investigate, welcomed the decision. “I raised questions about the scoring at the time
            and I was told I was slowing things down,” she said. “Sometimes slowing things down is
            the job.”
            """
        ),
    ),
    Article(
        id="school-boundaries",
        slug="hearing-on-school-boundary-changes-harrow-hill",
        section="politics",
        template="wp",
        title="Hundreds pack hearing on school boundary changes that would split Harrow Hill",
        author="Daniel Okonkwo",
        published=_at(2026, 9, 24, 20, 5),
        tags=("Education", "Harrow Hill", "Eastbank"),
        paragraphs=_prose(
            """
            More than four hundred parents, students and teachers filled the auditorium at
            Riverside Central High School on Thursday night for the first public hearing on a plan
            to redraw the boundaries of the city’s elementary schools, a proposal that would send
            about 1,300 children to a different school next autumn. The meeting ran past eleven
            o’clock, and dozens of people who had signed up to speak were still waiting when the
            board adjourned.

            The plan, drawn up by a consulting firm hired by the Riverside School Board, aims to
            relieve overcrowding at schools in the fast-growing northern neighbourhoods while
            filling empty classrooms in Eastbank and the Old Quay, where enrolment has fallen by a
            fifth over the past decade. Three schools in the north are operating above 120 percent
            of capacity, with classes held in portable buildings on former playgrounds.

            Much of the anger on Thursday came from families in Harrow Hill, which would be divided
            between two schools for the first time. Under the proposal, children living east of
            Canal Road would move from Harrow Hill Elementary to Foundry Street Elementary, a walk
            of about 1.6 kilometres that includes crossing the four-lane Mill Road. “You are asking
            six-year-olds to cross a road that adults are afraid of,” said Amara Lindgren, a parent
            of two.

            Superintendent Dr. Roland Achterberg said the board would consider changes before any
            final vote, including adding a crossing guard and a traffic signal at Mill Road, or
            moving the proposed boundary two blocks west. “Nothing in this plan is final,” he said.
            “If it were final, we wouldn’t be here at eleven o’clock at night.”

            Some parents in Eastbank spoke in favour of the plan, saying it would bring new
            families and resources to schools that had been half-empty for years. “Our kids have
            had combined classes because there weren’t enough students for two,” said Fatou Sarr,
            whose son attends Pell Street Elementary. “I’m sorry that people are upset, but for us
            this is good news.”

            A second hearing will be held at Northgate Middle School on October 8, and the board is
            scheduled to vote in December. If approved, the new boundaries would take effect for
            the school year beginning next September, with students already enrolled in fourth and
            fifth grade allowed to remain at their current schools.
            """
        ),
    ),
    Article(
        id="cannery-food-hall",
        slug="cannery-district-food-hall-opens",
        section="business",
        template="wp",
        title="Cannery District food hall opens with 22 vendors in former sardine plant",
        author="Priya Raghunathan",
        published=_at(2026, 8, 27, 13, 30),
        tags=("Cannery District", "Restaurants", "Development"),
        paragraphs=_prose(
            """
            After four years of construction delays, two changes of ownership and one memorable
            false start, the food hall in the old Tessel Sardine Company building in the Cannery
            District finally opened to the public on Wednesday, with 22 vendors selling everything
            from Sichuan dumplings to Portuguese custard tarts. By noon, the line at the main
            entrance on Wharf Street stretched back past the loading docks.

            The building, a brick-and-steel packing plant that closed in 1987 and stood empty for
            nearly three decades, was bought in 2022 by Larkspur Development, a Riverside firm that
            has converted several former industrial properties along the river. The company spent
            about $19 million restoring the structure, including its original roof trusses and the
            enormous painted sign on the river side that still reads “TESSEL BRAND — PACKED AT
            RIVERSIDE.”

            Most of the vendors are small, locally owned businesses, several of them moving out of
            home kitchens or food trucks into their first permanent space. Rents start at about
            $2,400 a month for the smallest stalls, which Larkspur says is below market rate for
            the area. In exchange, vendors agreed to open at least six days a week and to source
            some of their ingredients from farms in the Tessel valley.

            “I’ve been selling from a trailer at the farmers’ market for seven years,” said Nguyễn
            Thị Lan, whose stall serves bánh mì made with bread from a bakery in Larkfield. “Having
            a kitchen with a real extractor fan and a walk-in fridge feels like winning the
            lottery. I was here at five this morning just to look at it.”

            Not everyone in the neighbourhood is celebrating. Residents of the apartment blocks on
            Net Loft Lane, directly behind the hall, have complained about delivery trucks idling
            in the early morning and worry that the late-night bar licence granted in July will
            bring noise until 1 a.m. on weekends. Larkspur said it had agreed to limit deliveries
            to after 7 a.m. and would pay for an additional security guard on Friday and Saturday
            nights.

            The opening marks the latest step in the transformation of the Cannery District, which
            has added more than 1,100 apartments since 2018 but until now had few places to eat
            that didn’t require a car. A second phase, with a rooftop terrace and a small market
            for fresh fish, is scheduled to open next summer.
            """
        ),
    ),
    Article(
        id="port-containers",
        slug="port-of-riverside-container-traffic-falls",
        section="business",
        template="wp",
        title="Container traffic at Port of Riverside falls 14% as shipping lines reroute",
        author="Tomás Ferreira",
        published=_at(2026, 9, 21, 15, 50),
        updated=_at(2026, 9, 22, 8, 30),
        tags=("Port of Riverside", "Shipping", "Jobs"),
        paragraphs=_prose(
            """
            The number of shipping containers moving through the Port of Riverside fell 14 percent
            in the first eight months of the year compared with the same period last year,
            according to figures released on Monday by the Riverside Harbour Authority, as two of
            the largest carriers calling at the port shifted some of their routes to deeper-water
            terminals up the coast.

            The port handled the equivalent of 412,000 twenty-foot containers between January and
            August, down from about 479,000 a year earlier. Bulk cargo, mainly grain and scrap
            metal, held steady, and the number of cruise ship calls rose to a record 61, but
            neither comes close to making up for the lost container business, which accounts for
            roughly two-thirds of the authority’s revenue.

            Harbour Authority chief executive Siobhán Kearney said the decline was largely the
            result of decisions made in shipping company headquarters thousands of miles away. The
            newest container ships are too large to pass under the lift span of the rail bridge at
            the mouth of the Tessel at high tide, she said, and carriers are increasingly unwilling
            to schedule around the tides. “We can’t dredge our way out of this,” Kearney said. “The
            river is the river.”

            The decline has already been felt on the waterfront. A logistics company based at the
            port laid off 46 warehouse workers in July, and the union representing crane operators
            says overtime hours have fallen by almost a third. “A year ago we couldn’t find enough
            people,” said Dmitri Volkov, a crane operator for nineteen years. “Now guys are picking
            up shifts at the grain terminal just to make the rent.”

            The authority is betting on a $140 million plan to build a new terminal at Gullhaven
            Point, about six kilometres downstream, where ships would not need to pass the bridge.
            The project is awaiting an environmental review, which is expected next spring, and
            would take at least four years to build. Opponents, including several fishing
            associations, say construction would damage one of the last salt marshes on the
            estuary.

            In the meantime, Kearney said, the port would try to attract more short-sea shipping,
            smaller vessels that move cargo between ports in the region, and would cut its fees for
            carriers that commit to weekly calls for at least two years.
            """
        ),
    ),
    Article(
        id="credit-union-merger",
        slug="tessel-valley-harbourside-credit-unions-merge",
        section="business",
        template="wp",
        title=(
            "Tessel Valley Credit Union to merge with Harbourside Federal, creating region’s "
            "largest"
        ),
        author="Priya Raghunathan",
        published=_at(2026, 10, 13, 17, 25),
        tags=("Banking", "Credit Unions"),
        paragraphs=_prose(
            """
            Tessel Valley Credit Union and Harbourside Federal Credit Union announced on Tuesday
            that they plan to merge, creating a member-owned lender with about $3.1 billion in
            assets and nearly 240,000 members, the largest financial institution headquartered in
            Riverside. The deal, which must be approved by regulators and by a vote of members of
            both credit unions, is expected to close in the middle of next year.

            The combined institution will operate under the Tessel Valley name and be based at its
            headquarters on Alder Street. Executives said none of the 31 branches would close in
            the first two years after the merger, although they acknowledged that some branches
            that are within a few blocks of each other, particularly in Northgate and the Old Quay,
            could be consolidated later.

            “The honest answer is that technology is expensive, and it is getting more expensive
            every year,” said Harbourside’s chief executive, Rosalind Achebe, who will become the
            president of the combined organisation. “Members expect the same app and the same fraud
            protection they get from the big national banks. We can give them that together at a
            cost that neither of us could manage alone.”

            Tessel Valley’s chief executive, Frank Delacroix-Hughes, will lead the merged credit
            union until he retires at the end of 2028. He said members would see little change in
            the first year, apart from being able to use branches and cash machines of both credit
            unions without fees. Account numbers will stay the same until the two computer systems
            are combined, a process expected to take eighteen months.

            Credit union mergers have accelerated across the country as smaller institutions
            struggle with the cost of compliance, cybersecurity and digital banking. Analysts said
            the Riverside deal made sense because the two credit unions had complementary
            strengths: Tessel Valley is strong in car loans and counts many of the region’s
            teachers and nurses as members, while Harbourside grew out of a port workers’ savings
            association founded in 1937 and has a larger mortgage book.

            Some members expressed concern on social media that the merged credit union would lose
            its local character. Achebe said the board would include members from both
            organisations and that the combined institution would keep its commitment to lending in
            low-income neighbourhoods. “We are still owned by the people who bank with us,” she
            said. “That doesn’t change because we got bigger.”
            """
        ),
    ),
    Article(
        id="tool-and-die-sold",
        slug="riverside-tool-and-die-sold-to-kessler",
        section="business",
        template="wp",
        title="Riverside Tool & Die sold to German firm, saving 300 jobs at century-old plant",
        author="Tomás Ferreira",
        published=_at(2026, 11, 9, 19, 0),
        tags=("Manufacturing", "Jobs", "Foundry Street"),
        paragraphs=_prose(
            """
            Riverside Tool & Die, the century-old maker of precision moulds and machine parts whose
            brick factory has stood on Foundry Street since 1921, has been sold to Kessler
            Präzisionstechnik, a family-owned manufacturer from Baden-Württemberg, the companies
            announced on Monday. The deal ends months of uncertainty for the plant’s 312 workers,
            who were told in the spring that the business would close if no buyer was found by the
            end of the year.

            Financial terms were not disclosed. Kessler said it would invest about €25 million over
            five years to modernise the plant, including new five-axis milling machines and an
            expanded training centre for apprentices. It plans to use the Riverside factory to
            supply its North American customers, most of them in the automotive and medical device
            industries, which are currently served from Germany.

            “We looked at sites in four countries,” said Annette Kessler, the company’s managing
            director and the granddaughter of its founder, during a visit to the plant. “We came
            here because of the people. You cannot buy forty years of experience on a milling
            machine. We are not buying a building. We are buying a workforce.”

            The plant’s previous owner, a private equity firm, had put the business up for sale
            last year after losing two large contracts. Workers said the sale had been a source of
            anxiety for months. Tony Marchetti, a toolmaker who has worked at the plant for 27
            years, like his father before him, said he had started looking for work in other
            cities. “My wife and I had the conversation about selling the house,” he said. “I’m
            glad we don’t have to have it again.”

            The union representing the workers said the existing contract, which runs until 2028,
            would be honoured. The provincial economic development agency said it had offered
            Kessler a package of tax credits worth up to $3.5 million, tied to keeping at least 300
            jobs in Riverside for ten years.
            """
        ),
    ),
    Article(
        id="office-conversions",
        slug="downtown-offices-could-become-600-apartments",
        section="business",
        template="wp",
        title="Empty downtown offices could become 600 apartments under conversion plan",
        author="Priya Raghunathan",
        published=_at(2026, 10, 28, 12, 40),
        tags=("Housing", "Downtown", "Development"),
        paragraphs=_prose(
            """
            A Riverside developer wants to turn three largely empty office buildings in the centre
            of the city into about 600 apartments, in what would be the largest conversion of
            commercial space to housing in the city’s history. Plans filed with the planning
            department on Tuesday by Calloway Urban Partners cover the Mercantile Building, the
            former Tessel Insurance tower and a 1970s office block on Chandler Square.

            Downtown Riverside has struggled since the pandemic, when many of the law firms,
            insurers and government agencies that once filled its towers moved to hybrid work and
            cut back on space. The office vacancy rate in the central business district stands at
            27 percent, according to a report from the commercial property firm Aldgate & Rowe,
            more than double what it was in 2019.

            Converting offices to homes is difficult and expensive. Office floors are often too
            deep to give every apartment a window, and plumbing has to be run to places it was
            never designed to go. Calloway’s managing partner, Yusuf Karimi, said the three
            buildings were chosen because they are relatively narrow and have windows on at least
            three sides. “We looked at twenty-two buildings,” he said. “Nineteen of them didn’t
            work.”

            The plan calls for a mix of studios, one- and two-bedroom apartments, with about 15
            percent set aside for households earning less than 60 percent of the area’s median
            income. The company is asking the city for a 15-year property tax abatement, which it
            says is necessary to make the numbers work. Without it, Karimi said, rents would have
            to be so high that the project could not find tenants.

            Shop owners downtown said more residents would be welcome. “At six o’clock this place
            is a ghost town,” said Bartholomew Sze, who has run a shoe repair shop on Chandler
            Square since 1994. “People living here means people buying coffee on a Saturday. We
            haven’t had that in a long time.”

            The proposal will go before the planning commission in January. If approved,
            construction on the first building could begin by the summer, with the first tenants
            moving in about eighteen months later. Karimi said the company would return to the
            commission with a fourth building, a former department store on Alder Street, if the
            first three proved that the numbers could work.
            """
        ),
    ),
    Article(
        id="larkfield-bakery",
        slug="fournil-larkfield-bakery-opens-third-shop",
        section="business",
        template="wp",
        title="Larkfield bakery that began at farmers’ market opens its third shop",
        author="Tomás Ferreira",
        published=_at(2026, 8, 11, 11, 20),
        tags=("Small Business", "Northgate", "Farmers Market"),
        paragraphs=_prose(
            """
            Fournil Larkfield, the sourdough bakery that began nine years ago with a single table
            at the Saturday farmers’ market in Alder Park, opened its third shop on Tuesday in a
            former hardware store on Northgate High Street. Owners Camille Roussel and Baptiste
            Okeke-Roussel said they had signed the lease only in March and had done much of the
            renovation themselves, working nights after closing their other two shops.

            The new shop is the largest of the three, with a wood-fired oven built by a mason from
            Lyon and seating for about thirty people. It will also serve as the bakery’s production
            kitchen, supplying bread to eleven restaurants and two grocery stores in the city. The
            couple said they expected to hire fourteen people, bringing their total staff to 41.

            “When we started, we baked in our apartment and carried the bread to the market in
            laundry baskets,” Roussel said, standing beside a rack of rye loaves still warm from
            the oven. “The first Saturday we sold thirty loaves and we thought we were rich. Now we
            bake about 1,800 a day, and I still get nervous on opening day.”

            The bakery’s growth mirrors that of the farmers’ market itself, which has grown from
            about twenty stalls in 2015 to more than ninety this summer. Market manager Ewa Sobczak
            said at least nine businesses that started at the market now have permanent shops or
            restaurants in Riverside. “The market is where people test an idea without betting
            their house on it,” she said.

            The shop on Northgate High Street will be open every day except Monday from 7 a.m.
            Roussel said the bakery would keep its stall at the Alder Park market, where it all
            began. “Some of our customers from the first year still come every week,” she said.
            “We’re not giving that up.”
            """
        ),
    ),
    Article(
        id="tessel-water-quality",
        slug="tessel-river-cleaner-than-in-50-years",
        section="science",
        template="wp",
        title="Tessel River cleaner than at any time in 50 years, Polytechnic study finds",
        author="Hannah Kowalczyk",
        published=_at(2026, 8, 6, 14, 0),
        tags=("Tessel River", "Environment", "Riverside Polytechnic"),
        paragraphs=_prose(
            """
            The Tessel River is cleaner than it has been at any point in the past half-century,
            according to a study by researchers at Riverside Polytechnic that analysed more than
            14,000 water samples collected between 1976 and last year. The study, published on
            Thursday in the journal Freshwater Ecology, found that levels of phosphorus, ammonia
            and E. coli bacteria had all fallen sharply since the city completed its sewage
            overflow tunnel in 2011.

            “When I started sampling this river as a graduate student, there were days when you
            could smell it from the bridge,” said Dr. Zoë Brandt, a hydrologist at the Polytechnic
            and the study’s lead author. “We now regularly find mayfly larvae in the stretch below
            the Old Quay. Twenty years ago that would have been unthinkable. Mayflies are fussy.
            They don’t live in dirty water.”

            The researchers compiled samples taken by the city’s water department, the provincial
            environment agency and a volunteer group, Friends of the Tessel, which has tested the
            river every week since 1998. They found that dissolved oxygen levels, a key measure of
            whether fish can survive, have risen in every season and now meet provincial standards
            for 97 percent of the year, compared with about 60 percent in the 1980s.

            The study also sounds a warning. Levels of nitrate, which comes mostly from fertiliser
            washing off farmland upstream, have barely changed since the 1990s, and microplastic
            particles were found in every sample tested since the team began looking for them in
            2019. Brandt said heavy rainstorms, which have become more frequent, still overwhelm
            the city’s drainage system several times a year and send untreated sewage into the
            river.

            Swimming in the Tessel within city limits remains officially prohibited, though the
            city has said it will study whether a supervised swimming area could open near Alder
            Park by 2028. “We’re close,” Brandt said. “But close is not the same as safe, and I
            wouldn’t want anyone to read this and jump in tomorrow.”
            """
        ),
    ),
    Article(
        id="millrace-eels",
        slug="eels-climbing-millrace-weir-again",
        section="science",
        template="jsonld",
        title="Tiny eels are climbing the Millrace weir again, thanks to a $90,000 ramp",
        author="Ana Lúcia Prado",
        published=_at(2026, 9, 9, 10, 30),
        tags=("Wildlife", "Tessel River", "Conservation"),
        dek=(
            "A brush-lined ramp built by volunteers last spring has let thousands of juvenile "
            "eels past a 200-year-old barrier on the Tessel."
        ),
        paragraphs=_prose(
            """
            For the first time in more than a century, young American eels are making their way
            past the Millrace weir on the Tessel River, using a narrow ramp lined with plastic
            bristles that was installed last spring by a coalition of volunteers, anglers and
            researchers from Riverside Polytechnic. A trap at the top of the ramp counted 11,400
            juvenile eels, known as elvers, between April and August.

            The weir, a stone dam built in 1817 to power a grain mill, is just 1.8 metres high, but
            that is enough to stop elvers, which are about the length of a pencil and travel
            upstream from the sea each spring. Eel populations have collapsed across much of their
            range over the past forty years, and the species is considered endangered. Barriers
            such as dams and weirs, researchers say, are one of the main reasons.

            “An elver can climb a wet wall if it has something to grip,” said Dr. Kofi
            Mensah-Adjei, a fish biologist at the Polytechnic who designed the ramp. “What it can’t
            do is climb smooth, vertical concrete with water pouring over it. So we gave them a
            ladder.” The ramp, which cost about $90,000, mostly raised through a crowdfunding
            campaign, is tilted at 35 degrees and kept wet by a small pipe that draws water from
            above the weir.

            Volunteers checked the trap at the top of the ramp every morning from April through
            August, counting and measuring the elvers before releasing them into the millpond. On
            the busiest night, in late May, more than 900 came through. “You lift the lid and
            there’s this writhing mass of glass noodles,” said Maja Kowalski, a retired
            schoolteacher who volunteered three mornings a week. “I’ve never been so excited about
            anything slimy.”

            The researchers plan to tag a sample of the eels next spring to find out how far
            upstream they travel. If the results are encouraging, the group hopes to build similar
            ramps at two more weirs further up the valley, at Hollins Mill and Kestrel Ford.
            """
        ),
    ),
    Article(
        id="heat-map",
        slug="volunteer-heat-map-hottest-streets",
        section="science",
        template="jsonld",
        title=(
            "Volunteer heat map shows Riverside’s hottest streets are 9 degrees warmer than its "
            "parks"
        ),
        author="Ana Lúcia Prado",
        published=_at(2026, 9, 30, 16, 0),
        tags=("Climate", "Heat", "Cannery District"),
        dek=(
            "Two hundred residents with thermometers on their car windows spent one July "
            "afternoon measuring how the city cooks."
        ),
        paragraphs=_prose(
            """
            On the hottest afternoon of July, the temperature on a stretch of Foundry Street in the
            Cannery District reached 38.4 degrees Celsius, while less than two kilometres away,
            under the oaks of Alder Park, it was 29.1 degrees. The difference is one of the
            findings of a heat-mapping project carried out by about 200 volunteers, whose results
            were released on Wednesday by the city’s Office of Sustainability and Riverside
            Polytechnic.

            The volunteers drove or cycled along prearranged routes with temperature and humidity
            sensors clipped to their windows or handlebars, taking readings every second at three
            times on the same day: 6 a.m., 3 p.m. and 7 p.m. The project produced about 420,000
            measurements, which researchers used to build a street-by-street map of how heat builds
            up and lingers across the city.

            The hottest areas were those with the most asphalt and the fewest trees: the Cannery
            District, parts of Northgate along the ring road, and the big-box shopping area off
            Route 9. Many of them are also among the city’s poorest neighbourhoods. In the evening
            readings, some of these streets stayed more than 6 degrees warmer than leafy parts of
            Harrow Hill, a difference that matters most at night, when people’s bodies need to
            recover.

            “Heat is the weather disaster that doesn’t look like a disaster,” said Dr. Zoë Brandt,
            who helped analyse the data. “There’s no wreckage. People just quietly get sick in
            apartments without air conditioning. A map like this tells you exactly where to plant
            trees, where to open cooling centres and which bus stops desperately need shade.”

            The city has pledged to plant 4,000 trees over the next five years, and Sustainability
            Director Inés Caballero said the map would be used to decide where they go. She
            acknowledged that the budget proposed by the mayor cuts street-tree planting sharply
            next year, and said she hoped the council would restore the money. “Trees take twenty
            years to make shade,” she said. “Every year we skip is a year we don’t get back.”

            The full map is available on the city’s website, and organisers plan to repeat the
            exercise next summer with more volunteers and a route through the Old Quay, which was
            left out this year because of road works. Residents who want to take part can register
            with the Office of Sustainability; no scientific training is needed, only a bicycle or
            a car and a free afternoon.
            """
        ),
    ),
    Article(
        id="sepsis-patch",
        slug="riverside-general-sepsis-patch-trial",
        section="science",
        template="jsonld",
        title="Riverside General joins trial of wearable patch that warns of sepsis hours earlier",
        author="Hannah Kowalczyk",
        published=_at(2026, 10, 16, 13, 10),
        updated=_at(2026, 10, 17, 10, 5),
        tags=("Health", "Riverside General", "Medical Research"),
        dek=(
            "Doctors hope the thumb-sized sensor can catch a deadly condition before patients "
            "show obvious symptoms."
        ),
        paragraphs=_prose(
            """
            Riverside General Hospital has begun enrolling patients in a national trial of a
            wearable sensor designed to detect the early signs of sepsis, a life-threatening
            reaction to infection that kills about 11 million people worldwide each year. The
            thumb-sized patch, worn on the chest, continuously tracks heart rate, breathing, skin
            temperature and movement, and sends the data to software that alerts nurses when a
            patient’s pattern begins to look dangerous.

            Sepsis is notoriously hard to spot in its early stages, when symptoms such as a
            slightly raised heart rate or mild confusion can easily be mistaken for something less
            serious. Every hour of delay in treatment with antibiotics increases the risk of death.
            In hospital wards, vital signs are usually checked every four to six hours, which means
            warning signs can be missed overnight.

            “We’ve all had the patient who looked fine at ten o’clock and was in intensive care by
            two,” said Dr. Aurelio Bianchi-Nakamura, the head of infectious diseases at Riverside
            General, who is leading the trial at the hospital. “The idea is simple. If we’re
            watching all the time instead of every few hours, we should see the change sooner.
            Whether that actually saves lives is what the trial is designed to find out.”

            The trial will enrol about 2,600 patients at eleven hospitals over two years. Half will
            wear the patch, and half will receive standard monitoring. Researchers will compare how
            quickly sepsis is diagnosed and treated in each group, and how many patients die or
            need intensive care. Riverside General expects to enrol about 300 patients, mostly on
            its general medical and surgical wards.

            Some nurses have raised concerns about alarm fatigue, the tendency of staff to become
            desensitised when monitors go off too often. Earlier versions of similar systems
            produced so many false alerts that some hospitals switched them off. Bianchi-Nakamura
            said the software had been tuned to produce no more than one alert per patient per day
            on average, and that nurses would be involved in reviewing every alert during the
            trial.

            Patients will be asked for consent when they are admitted. Those who take part will
            wear the patch for up to seven days and can remove it at any time. The trial is funded
            by the National Health Research Council and the device maker, Veridian Medical, which
            has no role in analysing the results.
            """
        ),
    ),
    Article(
        id="harrow-hill-meteorite",
        slug="october-fireball-meteorite-found-harrow-hill",
        section="science",
        template="jsonld",
        title="Fragment of October fireball found in Harrow Hill garden, Polytechnic confirms",
        author="Ana Lúcia Prado",
        published=_at(2026, 11, 17, 15, 30),
        tags=("Space", "Harrow Hill", "Riverside Polytechnic"),
        dek=(
            "A retired postal worker noticed a black stone in her vegetable bed. It turned out "
            "to be 4.6 billion years old."
        ),
        paragraphs=_prose(
            """
            A dark, fist-sized stone found in a vegetable garden in Harrow Hill is a fragment of
            the fireball that lit up the sky over the Tessel valley on the night of October 21,
            scientists at Riverside Polytechnic confirmed on Tuesday. The 312-gram meteorite is the
            first to be recovered in the region in more than sixty years, and researchers say it
            could help pin down where in the solar system the object came from.

            Agnieszka Wróblewska, a retired postal worker, found the stone on November 2 while
            clearing her raised beds for the winter. It had cracked one of the boards and was
            half-buried in the soil. “I thought the neighbours’ children had thrown it over the
            fence,” she said. “But it was heavy, much too heavy for its size, and it had this
            black, shiny skin, like it had been in a fire. Which, as it turns out, it had.”

            She had read about the fireball, which was seen by thousands of people and captured by
            dozens of doorbell and dashboard cameras, and contacted the Polytechnic’s physics
            department. Planetary scientist Dr. Haruto Ishikawa said the stone’s fusion crust, the
            glassy coating formed as a meteorite’s surface melts on its way through the atmosphere,
            was “textbook,” and a test with a magnet showed it contained metallic iron.

            Analysis using an electron microscope showed the meteorite is an ordinary chondrite,
            the most common type, made of small rounded grains that formed in the earliest days of
            the solar system, about 4.6 billion years ago. By combining camera footage from across
            the region, the team reconstructed the fireball’s path and estimated that the object
            was orbiting the sun between Mars and Jupiter before a collision sent it on a course
            toward Earth.

            “Most meteorites are found in deserts or in Antarctica, years after they fell, and we
            have no idea where they came from,” Ishikawa said. “When you have the fall on video and
            the rock in your hand, you can connect the two. That’s rare, and it’s scientifically
            very valuable.” The team believes more fragments are likely scattered across a strip
            about four kilometres long between Harrow Hill and the Larkfield allotments.

            Wróblewska has agreed to lend the meteorite to the Polytechnic for study, and it will
            be displayed at the Riverside Museum of Natural History from January. Researchers asked
            anyone who finds an unusual dark stone to avoid handling it with bare hands, photograph
            it where it lies and contact the physics department.
            """
        ),
    ),
    Article(
        id="rooftop-bees",
        slug="rooftop-beehives-crowding-out-wild-bees",
        section="science",
        template="jsonld",
        title="Rooftop beehives may be crowding out Riverside’s wild bees, researchers warn",
        author="Hannah Kowalczyk",
        published=_at(2026, 11, 2, 11, 45),
        tags=("Wildlife", "Bees", "Environment"),
        dek=(
            "A three-year survey counted 94 species of wild bee in the city — and found fewer of"
            " them near the densest clusters of hives."
        ),
        paragraphs=_prose(
            """
            The boom in rooftop beekeeping that has brought hundreds of honeybee hives to
            Riverside’s offices, hotels and apartment blocks may be harming the city’s wild bees,
            according to a study by ecologists at Riverside Polytechnic. Researchers who surveyed
            48 green spaces over three summers found fewer wild bee species, and fewer individual
            wild bees, in places within about 500 metres of large clusters of honeybee hives.

            The number of registered hives in the city has risen from about 90 in 2015 to more than
            740 this year, according to the provincial agriculture ministry, with many installed by
            companies as part of sustainability programmes. A single healthy colony can contain
            50,000 honeybees in midsummer, and each forages across a wide area for nectar and
            pollen, competing with the city’s native bumblebees, mining bees and leafcutter bees.

            “People put hives on their roof because they want to help bees, and that’s a lovely
            instinct,” said Dr. Saoirse Ní Bhriain, the ecologist who led the study. “But honeybees
            are livestock. They’re not the bees that are in trouble. Adding lots of them to a city
            is a bit like trying to help wild birds by keeping a lot of chickens.”

            The survey recorded 94 species of wild bee in Riverside, including several that had not
            been seen in the region for decades, such as the rusty-patched bumblebee, which was
            found in a cemetery in Northgate in 2024. Sites with the most flowering plants had the
            most wild bees, regardless of hive numbers, which the researchers said suggested that
            the problem was not honeybees alone but too little food to go around.

            The Riverside Beekeepers’ Association said the study was interesting but did not prove
            that honeybees were causing the decline. “Correlation isn’t causation,” said the
            association’s secretary, Gareth Pryce-Jones. “Hives tend to be downtown, and downtown
            has less habitat. Our members would much rather see the city plant more flowers than
            see people give up their hives.”

            Both sides agreed on one thing: more flowers would help. The researchers recommended
            that the city plant native wildflowers on road verges and in parks, and that companies
            thinking about installing hives consider funding wildflower meadows instead. The city’s
            parks department said it would convert about eleven hectares of mown grass to meadow
            next year.
            """
        ),
    ),
    Article(
        id="marlowe-reopens",
        slug="marlowe-theatre-reopens-after-restoration",
        section="culture",
        template="wp",
        title=(
            "Marlowe Theatre reopens after $22 million restoration with sold-out ‘Cherry Orchard’"
        ),
        author="Søren Lindqvist",
        published=_at(2026, 8, 3, 19, 30),
        tags=("Theatre", "Old Quay", "Heritage"),
        paragraphs=_prose(
            """
            The Marlowe Theatre on Quay Street reopened on Saturday night after a three-year, $22
            million restoration, with a sold-out performance of Chekhov’s ‘The Cherry Orchard’ and
            a standing ovation that lasted, by one usher’s count, almost four minutes. The 1904
            playhouse, which closed in 2023 after inspectors found the ceiling above the balcony
            had separated from its supports, now has new seats, a new roof and, for the first time,
            a lift to every level.

            Much of the restoration work was invisible to the audience: new steel beams in the
            roof, a modern fire suppression system and ventilation ducts hidden behind the original
            plaster. But the most striking change was overhead. The painted ceiling, a sky of
            clouds and gilded stars that had been hidden under layers of soot and cream paint since
            the 1950s, was uncovered and restored by a team of conservators over eleven months.

            “People kept coming up to me at the interval and pointing at the ceiling as though I
            might not have noticed it,” said the theatre’s artistic director, Oluwaseun
            Adeyemi-Clarke, laughing. “I’ve been staring at that ceiling from a scaffold for a
            year. I know every star by name. But I understand. The first time the lights came up on
            it, I cried too.”

            The production, directed by Magdalena Horvátová, set Chekhov’s story of a family losing
            its estate in a riverside town much like this one, with the orchard replaced by a row
            of old warehouses about to be converted into apartments. Some in the audience found the
            parallel with the Cannery District a little too pointed. Others loved it. “It was our
            story,” said Eileen Farrow, who has been a subscriber since 1979. “Just with more
            samovars.”

            The restoration was paid for by a mix of public money, including $9 million from the
            city and the province, and private donations. The largest single gift, $4 million, came
            from the estate of the late shipping magnate Cornelius Vandermeer, and the main
            auditorium is now named in his honour.

            ‘The Cherry Orchard’ runs until August 23. The theatre’s first full season, announced
            on Saturday, includes a new play by the Riverside writer Tendai Mupfumira, a touring
            production of ‘Twelfth Night’ and, in December, the return of its traditional family
            pantomime, which this year will be ‘Jack and the Beanstalk.’
            """
        ),
    ),
    Article(
        id="jazz-festival",
        slug="riverside-jazz-festival-record-crowd",
        section="culture",
        template="jsonld",
        title="Riverside Jazz Festival draws record 60,000 despite Sunday downpour",
        author="Eamon Delaney",
        published=_at(2026, 9, 15, 12, 0),
        tags=("Music", "Festivals", "Alder Park"),
        dek=(
            "A thunderstorm emptied Alder Park for an hour on the final day. The crowds came "
            "back for the headliner."
        ),
        paragraphs=_prose(
            """
            The Riverside Jazz Festival drew a record crowd of about 60,000 people to Alder Park
            and venues across the Old Quay over the weekend, organisers said on Monday, despite a
            thunderstorm that halted performances for more than an hour on Sunday afternoon and
            turned the field in front of the main stage into something closer to a paddy field.

            The storm arrived just as the Havana-born pianist Yissy Montejo-Ruiz was halfway
            through her set. As the rain began, she told the crowd she would keep playing “until
            the piano floats,” and she did, for about ten minutes, before stage managers pulled her
            off for safety as lightning approached. She returned when the weather cleared and
            finished the set to a crowd that had, if anything, grown while it was gone.

            This year’s festival, the 31st, was the first under its new artistic director, Thandiwe
            Mokoena, who has tried to broaden its appeal beyond the older audience that had made up
            its core for decades. She added a late-night stage in the Cannery District devoted to
            younger artists, and reduced the price of a weekend pass for anyone under 25 to $20.
            Organisers said about a third of ticket buyers were under 30, up from about one in ten
            in 2023.

            “Jazz was always young people’s music,” Mokoena said. “Somewhere along the way we
            started treating it like a museum. I wanted the festival to feel like a party again,
            and I think this weekend it did.” Not everyone was convinced. A few longtime attendees
            grumbled online about the volume on the late-night stage and the length of the lines
            for food.

            The highlight for many was Saturday night’s closing set by the saxophonist Dexter
            Lane-Osei, a Riverside native who grew up in Eastbank and played his first gigs in the
            bars along Quay Street. He brought the festival’s youth big band on stage for the final
            three numbers. “Twenty-five years ago I was one of those kids,” he said. “Somebody let
            me on a stage, and that was it. Somebody should always let the kids on a stage.”

            The festival generated an estimated $8.7 million in spending at local hotels,
            restaurants and shops, according to a study commissioned by the organisers. Next year’s
            festival will be held on the second weekend of September, and Mokoena said she intended
            to keep the late-night stage, with earlier finishing times on Sundays to appease the
            neighbours.
            """
        ),
    ),
    Article(
        id="flood-mural",
        slug="tessel-flood-mural-eastbank-library",
        section="culture",
        template="jsonld",
        title="A 40-metre mural of the Tessel flood now wraps the Eastbank library",
        author="Søren Lindqvist",
        published=_at(2026, 10, 8, 17, 40),
        tags=("Art", "Eastbank", "Libraries"),
        dek=(
            "Painted by 300 residents over eight weekends, it remembers the water — and the "
            "neighbours who came with boats."
        ),
        paragraphs=_prose(
            """
            The Eastbank branch of the Riverside Public Library has been wrapped in a mural forty
            metres long, showing the neighbourhood during the great flood of 1998 and the days that
            followed, when residents rowed through flooded streets in borrowed boats to rescue
            their neighbours. The work, unveiled on Saturday, was painted by about 300 residents
            over eight weekends under the direction of the artist Ximena Altamirano.

            Altamirano, who grew up in Eastbank and was nine years old at the time of the flood,
            spent months recording interviews with people who lived through it. Many of their
            stories are in the mural, sometimes literally: a man carrying a television above his
            head, a woman in a wedding dress in a canoe, a dog asleep on the roof of a floating
            car. “Everybody I talked to had one image they couldn’t forget,” she said. “I tried to
            paint as many of them as I could.”

            The painting runs along three walls of the library, starting on the side facing Pell
            Street with the rising water and ending on the side facing the river with the cleanup.
            The final panel shows a long table in the street, covered with food, where neighbours
            are eating together beside a pile of ruined furniture. It is based on a photograph
            taken by a Ledger photographer in October 1998.

            Residents of all ages took part, from a four-year-old who painted fish in the water to
            a 91-year-old former firefighter, Augustin Mbeki, who was part of the rescue effort and
            painted the boat he had rowed himself. Volunteers prepared the walls, mixed paint and,
            on the last weekend, held umbrellas over the wet panels when it started to drizzle.

            The $64,000 project was paid for by the city’s public art fund and a grant from a
            community foundation. Library branch manager Hyun-woo Park said the mural had already
            changed how people used the building. “People stop and look for their street, their
            house, sometimes their own face,” he said. “Then they come in and ask if we have books
            about the flood. We do. We have a whole shelf now.”
            """
        ),
    ),
    Article(
        id="salt-ledger-shortlist",
        slug="tendai-mupfumira-shortlisted-national-fiction-prize",
        section="culture",
        template="jsonld",
        title="Riverside novelist Tendai Mupfumira shortlisted for national fiction prize",
        author="Eamon Delaney",
        published=_at(2026, 10, 23, 14, 20),
        updated=_at(2026, 10, 23, 18, 45),
        tags=("Books", "Awards", "Cannery District"),
        dek=(
            "‘The Salt Ledger’, set in the Cannery District in the 1950s, is the first book by a"
            " local author to make the list in 18 years."
        ),
        paragraphs=_prose(
            """
            Tendai Mupfumira, who wrote much of her first novel on the night bus between her job at
            a hospital laundry and her apartment in Northgate, was named on Thursday to the
            shortlist for the National Fiction Prize, one of the country’s most prestigious
            literary awards. Her book, ‘The Salt Ledger,’ is the first by a Riverside author to be
            shortlisted in eighteen years.

            The novel follows three women who work at a sardine cannery on the Tessel in the 1950s,
            a Portuguese immigrant, a widow from the hill farms and a teenage girl who lies about
            her age to get hired, during a bitter strike that divides the town. The judges called
            it “a book that smells of fish and salt and tells the truth about work, which is much
            rarer in fiction than it ought to be.”

            Mupfumira, 38, was born in Harare and moved to Riverside with her mother when she was
            twelve. She said she first became interested in the cannery while walking past the old
            Tessel Sardine Company building, now a food hall, on her way to school. “There was this
            huge faded sign on the river side of the building, and I used to wonder who had worked
            there,” she said. “Nobody I asked knew. So I went to the library and found out.”

            She spent almost five years researching the book, much of it in the archives of the
            Riverside Historical Society, where she read union minutes, payroll records and letters
            written by cannery workers. Several of the real women she read about, she said, appear
            in the book under different names. “I wanted to give them back the dignity of having a
            story,” she said. “They didn’t get much else.”

            The winner of the prize, which comes with an award of $60,000, will be announced on
            November 26. Mupfumira said she would be at the ceremony in the capital but was trying
            not to think about the result. “I’m working on the next book,” she said. “It’s the only
            thing that keeps me calm.”

            Copies of the novel have been hard to find in Riverside since the shortlist was
            announced. The independent bookshop Quayside Books said it had sold its entire stock of
            about eighty copies by lunchtime on Thursday and was expecting a new delivery next
            week.
            """
        ),
    ),
    Article(
        id="old-quay-film",
        slug="period-thriller-filming-on-quay-street",
        section="culture",
        template="jsonld",
        title="Hollywood comes to the Old Quay as crews film period thriller on Quay Street",
        author="Søren Lindqvist",
        published=_at(2026, 11, 12, 18, 15),
        tags=("Film", "Old Quay"),
        dek="For three weeks, Riverside’s oldest streets will stand in for 1940s Lisbon.",
        paragraphs=_prose(
            """
            Horse-drawn carts, vintage trams and several hundred extras in wool coats and fedoras
            have taken over the Old Quay this week, as a film crew turns Riverside’s oldest streets
            into wartime Lisbon for a big-budget thriller starring the Oscar-nominated actor
            Jean-Baptiste Moreau-Kanté. Filming began on Monday and will continue for three weeks,
            with parts of Quay Street and Ropewalk Lane closed to traffic on most days.

            The film, whose working title is ‘The Last Boat from Alcântara,’ tells the story of a
            ship’s radio operator who becomes caught up in a plot to smuggle refugees out of Europe
            in 1941. The production’s location manager, Beatriz Loureiro, said the Old Quay had
            been chosen over several European cities because its narrow streets of stone warehouses
            and its tram tracks could pass for Lisbon’s waterfront with surprisingly little work.

            “We took out the parking meters, painted over some signs and brought in about forty
            tonnes of fake cobblestones,” Loureiro said. “The bones were already here. Honestly,
            some of these streets look more like 1941 Lisbon than Lisbon does now.” Crews have also
            hung Portuguese shop signs and laundry lines and, for one night scene, arranged for the
            street lights on Quay Street to be switched off.

            The city’s film office estimates the production will spend about $12 million in
            Riverside, including on hotel rooms, catering and the wages of about 350 local extras
            and crew members. Business owners on Quay Street were paid a fee to close or alter
            their storefronts, and most said they were happy with the arrangement, although a few
            complained that customers were struggling to get through the barriers.

            Crowds have gathered behind the barriers every day hoping to see Moreau-Kanté, who has
            mostly been whisked between his trailer and the set under a large black umbrella. “I
            saw his elbow,” said Wren Castellano, a student at Riverside Polytechnic who waited for
            four hours on Tuesday. “It was a very good elbow.”

            Filming will move to the old customs house on Chandler Square next week, and crews are
            scheduled to leave the city by December 4. The film is expected to be released in the
            autumn of next year. The city’s film office said it had received inquiries from two
            more productions since filming began, including a television series set on a
            nineteenth-century whaling ship.
            """
        ),
    ),
    Article(
        id="harvest-lights",
        slug="harvest-lights-lantern-parade-tessel",
        section="culture",
        template="jsonld",
        title="Thousands carry paper lanterns along the Tessel for the Harvest Lights parade",
        author="Eamon Delaney",
        published=_at(2026, 11, 20, 20, 30),
        tags=("Festivals", "Tessel River", "Community"),
        dek=(
            "The parade, which began almost 30 years ago with a few dozen families, has become "
            "one of Riverside’s biggest nights of the year."
        ),
        paragraphs=_prose(
            """
            Thousands of people carrying paper lanterns shaped like fish, moons, owls and, in at
            least one case, a very convincing tram walked along the banks of the Tessel on Thursday
            evening for the 30th Harvest Lights parade, which marks the end of the harvest season
            in the valley. Organisers estimated the crowd at about 25,000, making it one of the
            largest in the parade’s history.

            The parade began in 1997, when a group of parents at Larkfield Primary School made
            lanterns from willow and tissue paper with their children and walked them along the
            river to the Tessel Bridge. Forty families took part that first year. It now has its
            own charity, a workshop in a converted boathouse and a team of about sixty volunteers
            who spend much of the autumn helping schools and community groups build lanterns.

            This year’s theme was “the river remembers,” and many of the lanterns referred to
            moments in the city’s history: a giant sardine in honour of the canneries, a lantern
            shaped like the old Marlowe Theatre, and a fleet of small paper boats carried by
            children from Eastbank to mark the anniversary of the flood. The largest lantern, a
            heron with a wingspan of six metres, took a team of fifteen volunteers more than two
            hundred hours to build.

            “Every year someone asks if we’re going to make it bigger, with floats and sponsors and
            a stage,” said Róisín Fairweather-Walsh, who has organised the parade for the past
            twelve years. “And every year we say no. The whole point is that anyone can come. You
            bring a lantern you made at your kitchen table, and you walk beside a lantern that took
            two hundred hours, and nobody can tell you which one is better.”

            The parade ended at the Old Quay, where a brass band played and food stalls sold hot
            cider and roasted chestnuts. The city said there were no serious incidents, although
            two people were treated for minor injuries after slipping on wet leaves near the
            footbridge.
            """
        ),
    ),
)

# Subscriber-only stories under /private/: robots.txt forbids them, yet they look like articles.
PRIVATE_ARTICLES: tuple[Article, ...] = (
    Article(
        id="gullhaven-lease-talks",
        slug="inside-gullhaven-lease-talks",
        section="business",
        template="wp",
        title="Inside the closed-door talks over the Port of Riverside’s Gullhaven lease",
        author="Tomás Ferreira",
        published=_at(2026, 11, 18, 16, 0),
        tags=("Port of Riverside", "Gullhaven Point"),
        paragraphs=_prose(
            """
            For most of the past year, a small group of Harbour Authority executives and
            representatives of two international terminal operators have met in a conference room
            on the fourth floor of the authority’s headquarters to negotiate the terms of a 35-year
            lease for the proposed container terminal at Gullhaven Point. None of those meetings
            appears on a public calendar, and the authority’s board has discussed the negotiations
            only in closed session.

            According to three people familiar with the talks, who spoke on condition of anonymity
            because they were not authorised to discuss them, the leading bidder has asked the
            authority to guarantee a minimum volume of cargo for the first decade, a commitment
            that could leave the public on the hook for tens of millions of dollars if shipping
            lines do not return.

            The authority’s chief executive, Siobhán Kearney, declined to discuss the terms but
            said any agreement would be presented to the board in public before it was signed.
            “There is nothing unusual about negotiating a commercial lease in private,” she said.
            “What matters is that the board and the public see the final terms and can judge them.”

            Fishing associations that oppose the terminal say the secrecy has deepened their
            distrust of the project. “They tell us the environmental review will decide
            everything,” said Ruairí Mac Giolla, who fishes for crab out of Gullhaven. “Meanwhile
            they are already dividing up the money. It doesn’t feel like anything is being decided
            by a review.”
            """
        ),
    ),
    Article(
        id="riverside-25-dishes",
        slug="25-dishes-that-define-eating-in-riverside",
        section="culture",
        template="wp",
        title="The 25 dishes that define eating in Riverside right now",
        author="Eamon Delaney",
        published=_at(2026, 11, 14, 12, 0),
        tags=("Food", "Restaurants"),
        paragraphs=_prose(
            """
            Every autumn, the Ledger’s food writers set themselves an impossible task: to eat their
            way across Riverside and name the dishes that best capture how the city eats at this
            moment. This year we visited 118 restaurants, food trucks, market stalls and bakeries
            over eleven weeks, from the new food hall in the Cannery District to a pierogi counter
            in the back of a Northgate hardware store.

            The list that follows is not a ranking of the city’s best restaurants. Some of the
            places on it have white tablecloths and wine lists; several have no chairs at all. What
            they have in common is a dish we kept thinking about long after the plates were
            cleared, and which we think tells you something about who lives in Riverside now.

            At the top of the list, for the second year running, is the grilled sardine sandwich at
            a tiny stall at the Old Quay fish market, served on a crusty roll with charred peppers
            and a smear of garlic mayonnaise. It costs $9, it is gone by one o’clock most days, and
            it is the closest thing the city has to a signature dish.

            Elsewhere on the list: a Sichuan-style dumpling in chilli oil that made one of our
            writers briefly lose the power of speech, a Jamaican oxtail stew served only on Fridays
            in Eastbank, and a cardamom bun from a Larkfield bakery that we will not name, because
            its owners have begged us not to make the line any longer.
            """
        ),
    ),
)

ABOUT_PARAGRAPHS: tuple[str, ...] = _prose(
    """
    The Riverside Ledger has reported on the city of Riverside and the Tessel valley since 1888,
    when a printer named Josiah Whitcombe began publishing a four-page weekly from a shed behind
    the Corn Exchange. It became a daily in 1903 and has been owned since 1998 by the Ledger
    Trust, an independent foundation whose only purpose is to keep local journalism alive in the
    region.

    Today our newsroom of 38 journalists covers City Hall, the courts, schools, business, science,
    culture and sport, publishing around the clock online and in print six days a week. We are
    funded by our readers, by advertising and by grants from the Ledger Trust, and no owner,
    advertiser or donor has any say over what we publish.

    We correct our mistakes promptly and openly. If you believe something we have published is
    wrong, please write to corrections@riversideledger.example and an editor will respond within
    two working days. Corrections are noted at the foot of the article concerned.
    """
)

CONTACT_PARAGRAPHS: tuple[str, ...] = _prose(
    """
    The Riverside Ledger, 14 Chandler Square, Riverside. Switchboard: 555-0142, weekdays from 8
    a.m. to 6 p.m.

    News tips: tips@riversideledger.example. Letters to the editor:
    letters@riversideledger.example. Subscriptions and delivery: help@riversideledger.example.

    Advertising enquiries: ads@riversideledger.example or 555-0187.
    """
)
