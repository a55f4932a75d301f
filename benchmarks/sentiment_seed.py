"""Customer-service sentences written for this project (no outside source), used with CC0 reviews
to train the shipped sentiment weights. They cover what reviews lack: waiting, no reply, broken
accounts, neutral questions and thanks for a fix."""

NEGATIVE = """
I am still waiting for a reply to my email from last week
No reply again. This is the third time I have written to you
I have been on hold for an hour and nobody answered
My order never arrived and nobody tells me where it is
You charged me twice and I still have not had a refund
Still no refund after three weeks, this is unacceptable
Your support is useless, every agent tells me something different
The app keeps crashing since the update and I cannot log in
I cancelled my subscription and you took money from my account anyway
Worst customer service I have ever had
This is ridiculous, my internet has been down all day
The package was left in the rain and everything is ruined
I was promised a call back and nobody called
Why does nobody answer the chat? I have been waiting for two days
My flight was delayed again and no one told us anything
The delivery driver was rude and threw the parcel over the fence
I am very disappointed with how my complaint was handled
You closed my ticket without fixing anything
The item is broken and the replacement is broken too
I want to speak to a manager, this has gone on too long
Your website has been down all morning and I cannot pay my bill
I have explained this five times already, please read my previous messages
This is the last time I order from you
My account was hacked and you are not doing anything about it
The technician did not show up and I took a day off work for it
I am so frustrated, the problem is still not fixed
Terrible experience, I would not recommend you to anyone
You lost my luggage and nobody can tell me where it is
I have been overcharged every month since I signed up
The refund you promised never came
Still broken. Still waiting. Still paying.
My card was declined for no reason and now I cannot get through to anyone
The service keeps dropping every few minutes, it is unusable
Nobody has replied to my ticket and it has been a week
I am fed up with the excuses
This is a scam, I want my money back
Your agent hung up on me in the middle of the call
The order arrived late and half of it was missing
I keep getting the same automatic reply and no real answer
Absolutely awful, the worst airline ever
Seriously? Another delay?
You sent the wrong item and want me to pay for the return
The new update ruined my phone
I waited in the queue for forty minutes and then the line went dead
Cannot believe how bad this is
Why is it so hard to get a simple answer from you
The product stopped working after two days
I am really upset, this was a gift and it is damaged
Please stop sending me spam, I unsubscribed a month ago
Your staff were unhelpful and impolite
"""

NEUTRAL = """
How do I change the email address on my account?
Can you tell me your opening hours on Saturday?
What is the status of my order?
I sent you a DM with my order number
Is there a service outage in my area?
Do you ship to Canada?
Which plan includes international calls?
Can I change my delivery address after ordering?
My order number is 12345
I would like to update my billing details
How long does a refund usually take?
Is it possible to upgrade my plan before the contract ends?
Where can I find the user manual for this model?
Can I add my loyalty number to an existing booking?
What documents do I need to open an account?
I am using an iPhone with the latest version
Please send me the invoice for last month
Could you check whether my payment went through?
What is the baggage allowance on this flight?
Can I pick up the order in store instead?
I have attached a screenshot of the settings page
Is the offer also valid for existing customers?
Which browser do you recommend for the portal?
Hi, I have a question about my bill
Can someone call me back tomorrow morning?
I would like to return an item, what are the steps?
Do you have this in a size medium?
How do I reset my password?
The tracking number is in my previous message
Can I pay by bank transfer?
When will the new model be available?
I moved house, how do I transfer my service?
Here is my account number as requested
Do you have a phone number for the business team?
Can I book a seat for my child separately?
Is there an app for tablets?
I called earlier today about my contract
Please let me know what information you need from me
Are you open on public holidays?
What time does the store close today?
"""

POSITIVE = """
Thanks, that sorted it!
Thank you so much, it works now
Great service, the problem was fixed in minutes
The agent was really helpful and friendly
Brilliant, thanks for the quick reply
All sorted now, many thanks for your help
Thanks for getting back to me so quickly
Excellent support, I am very happy
The replacement arrived today and it is perfect
Perfect, that is exactly what I needed
You have been amazing, thank you
Problem solved, thanks a lot
Really impressed with how fast you fixed this
The refund came through, thank you
Love the new app, it is so much easier to use
Thank you for your patience and help
Lovely staff and a smooth flight, thank you
Great, it is working again
Cheers, much appreciated
The technician was on time and very professional
I will definitely recommend you to my friends
Wonderful service as always
Thanks for the update, much appreciated
Fantastic, you made my day
Happy with the result, thanks team
That was quick! Thank you
Awesome, everything is working perfectly now
Thank you for going above and beyond
Best customer service I have had in years
Everything arrived on time and well packed, thanks
"""


def seed_examples() -> list[tuple[str, str]]:
    """(sentence, label) pairs."""
    groups = (("negative", NEGATIVE), ("neutral", NEUTRAL), ("positive", POSITIVE))
    return [
        (line.strip(), label)
        for label, block in groups
        for line in block.strip().splitlines()
        if line.strip()
    ]
