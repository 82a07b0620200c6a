<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ClipboardOffer</name>
    <message numerus="yes">
        <source>Add %n copied Spotify link(s)?</source>
        <translation>
            <numerusform>Add %n copied Spotify link?</numerusform>
            <numerusform>Add %n copied Spotify links?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message numerus="yes">
        <source>%n entries of the collection</source>
        <translation>
            <numerusform>%n entry of the collection</numerusform>
            <numerusform>%n entries of the collection</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LinkBox</name>
    <message numerus="yes">
        <source>Added %n link(s) to the queue.</source>
        <translation>
            <numerusform>Added %n link to the queue.</numerusform>
            <numerusform>Added %n links to the queue.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) were already in the queue.</source>
        <translation>
            <numerusform>%n link was already in the queue.</numerusform>
            <numerusform>%n links were already in the queue.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more entries were not accepted.</source>
        <translation>
            <numerusform>%n more entry was not accepted.</numerusform>
            <numerusform>%n more entries were not accepted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message numerus="yes">
        <source>%n track(s) downloaded</source>
        <translation>
            <numerusform>%n track downloaded</numerusform>
            <numerusform>%n tracks downloaded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n failed or need review</source>
        <translation>
            <numerusform>, %n failed or need review</numerusform>
            <numerusform>, %n failed or need review</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n track(s) failed</source>
        <translation>
            <numerusform>%n track failed</numerusform>
            <numerusform>%n tracks failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n track(s) need a match</source>
        <translation>
            <numerusform>%n track needs a match</numerusform>
            <numerusform>%n tracks need a match</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message numerus="yes">
        <source>%n track(s) need a match chosen by you.</source>
        <translation>
            <numerusform>%n track needs a match chosen by you.</numerusform>
            <numerusform>%n tracks need a match chosen by you.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Workers: %n running</source>
        <translation>
            <numerusform>Workers: %n running</numerusform>
            <numerusform>Workers: %n running</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskActions</name>
    <message numerus="yes">
        <source>Copied %n link(s).</source>
        <translation>
            <numerusform>Copied %n link.</numerusform>
            <numerusform>Copied %n links.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskCounts</name>
    <message numerus="yes">
        <source>%n track(s)</source>
        <translation>
            <numerusform>%n track</numerusform>
            <numerusform>%n tracks</numerusform>
        </translation>
    </message>
</context>
</TS>
