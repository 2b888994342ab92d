{# A share: null, or between 0 and 1 (utilization may pass 1 when WAU exceeds seats). #}
{% test fraction(model, column_name, max_value=1) %}
select * from {{ model }}
where {{ column_name }} is not null and ({{ column_name }} < 0 {% if max_value is not none %}or {{ column_name }} > {{ max_value }}{% endif %})
{% endtest %}
