import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './image-tag-latest.cases.js';

ruleTester(cases.rule, cases);
